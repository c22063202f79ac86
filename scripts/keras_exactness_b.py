"""Keras 3's answers to the lines of the review of the recurrent, wrapper, normalization,
reshaping, activation and pooling layers (KerasExactnessB tests): each case is a paramcalc
script of `input` and `add` lines, run through real Keras by the oracle
(`../shared/oracle/keras_run.py`, or `$PARAMCALC_ORACLE`); the fixture keeps, per case, the
script, Keras's layers (type, params, trainable, non_trainable, output_shape, weights), the
lines Keras refused and its reasons.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_exactness_b.py \
         > Tests/ParamCalcEndToEndTests/Fixtures/keras-exactness-b.json
"""
import importlib.util, json, os, sys
os.environ.setdefault("KERAS_BACKEND", "jax")
import warnings
warnings.filterwarnings("ignore")

here = os.path.dirname(os.path.abspath(__file__))
oracle_path = os.environ.get(
    "PARAMCALC_ORACLE", os.path.join(here, "..", "..", "shared", "oracle", "keras_run.py"))
if not os.path.exists(oracle_path):
    oracle_path = "/work/shared/oracle/keras_run.py"
spec = importlib.util.spec_from_file_location("keras_run", oracle_path)
oracle = importlib.util.module_from_spec(spec)
spec.loader.exec_module(oracle)

CASES = {
    # Arguments Keras refuses as unrecognized.
    "simplernn-unit-forget-bias": "input (10,6)\nadd simplernn units=3 unit_forget_bias=true",
    "simplernn-use-cudnn": "input (10,6)\nadd simplernn units=3 use_cudnn=false",
    "simplernn-recurrent-activation": "input (10,6)\nadd simplernn units=3 recurrent_activation=sigmoid",
    "simplernn-lora-rank": "input (10,6)\nadd simplernn units=3 lora_rank=2",
    "gru-unit-forget-bias": "input (10,6)\nadd gru units=3 unit_forget_bias=true",
    "lstm-time-major": "input (10,6)\nadd lstm units=3 time_major=false",
    "lstm-lora-alpha": "input (10,6)\nadd lstm units=3 lora_alpha=2",
    "lstm-implementation": "input (10,6)\nadd lstm units=3 implementation=1",
    "layernorm-momentum": "input (10,6)\nadd layernormalization momentum=0.9",
    "groupnorm-momentum": "input (10,6)\nadd groupnormalization groups=2 momentum=0.9",
    "batchnorm-momentum": "input (10,6)\nadd batchnormalization momentum=0.9",
    "spatialdropout1d-data-format": "input (10,6)\nadd spatialdropout1d rate=0.2 data_format=channels_last",
    "spatialdropout1d-noise-shape": "input (10,6)\nadd spatialdropout1d rate=0.2 noise_shape=(1,1,6)",
    "spatialdropout2d-autocast": "input (8,8,3)\nadd spatialdropout2d rate=0.2 autocast=true",
    "upsampling1d-data-format": "input (9,4)\nadd upsampling1d size=2 data_format=channels_last",
    "upsampling3d-interpolation": "input (4,4,4,2)\nadd upsampling3d interpolation=nearest",
    "cropping1d-data-format": "input (9,4)\nadd cropping1d cropping=1 data_format=channels_last",
    # Valid arguments paramcalc refused.
    "layernorm-rms-scaling": "input (10,10,6)\nadd layernormalization rms_scaling=true",
    "layernorm-rms-scaling-no-scale": "input (10,6)\nadd layernormalization rms_scaling=true scale=false center=false",
    "layernorm-rms-scaling-false": "input (10,6)\nadd layernormalization rms_scaling=false",
    "gru-return-state-false": "input (10,6)\nadd gru units=3 return_sequences=true return_state=false",
    "gru-stateful-false": "input (10,6)\nadd gru units=3 stateful=false",
    # Keras refuses, paramcalc accepted.
    "gaussiannoise-stddev-2": "input (10,6)\nadd gaussiannoise stddev=2",
    "gaussiannoise-stddev-1": "input (10,6)\nadd gaussiannoise stddev=1",
    "gaussiandropout-rate-1": "input (10,6)\nadd gaussiandropout rate=1",
    "lstm-stateful": "input (10,6)\nadd lstm units=3 stateful=true",
    "upsampling1d-tuple": "input (9,4)\nadd upsampling1d size=(2,)",
    "upsampling1d-int": "input (9,4)\nadd upsampling1d size=3",
    # Counts and shapes the explanations describe.
    "gru-reset-after": "input (10,6)\nadd gru units=2 reset_after=true",
    "gru-no-bias": "input (10,6)\nadd gru units=2 use_bias=false",
    "layernorm-two-axes": "input (10,6,5)\nadd layernormalization axis=(2,3)",
    "batchnorm-axis-1": "input (10,6,5)\nadd batchnormalization axis=1",
    "groupnorm-minus-one": "input (10,4)\nadd groupnormalization groups=-1",
    "timedistributed-flatten": "input (4,3,3,2)\nadd timedistributed flatten",
    "timedistributed-lstm-rank": "input (None,4,18)\nadd timedistributed lstm units=2",
    "bidirectional-gru": "input (10,6)\nadd bidirectional gru units=2",
    "repeatvector-1": "input (4,)\nadd repeatvector n=1",
    "globalmaxpooling1d": "input (10,4)\nadd globalmaxpooling1d",
    "zeropadding2d": "input (28,28,1)\nadd zeropadding2d padding=1",
    "cropping2d": "input (28,28,1)\nadd cropping2d cropping=2",
    "upsampling1d-unknown": "input (None,3)\nadd upsampling1d size=2",
    "zeropadding1d-unknown": "input (None,3)\nadd zeropadding1d padding=(1,1)",
    "permute": "input (3,4,5)\nadd permute dims=(3,1,2)",
    "repeatvector-1000": "input (1000,)\nadd repeatvector n=1000",
    "timedistributed-lstm-step-rank": "input (4,18)\nadd timedistributed lstm units=2",
    "simplernn-no-bias": "input (10,6)\nadd simplernn units=3 use_bias=false",
    "bidirectional-lstm-sum": "input (10,6)\nadd bidirectional lstm units=2 merge_mode=sum",
}

out = {}
for name, script in CASES.items():
    result = oracle.run(script + "\n")
    out[name] = {k: result[k] for k in ("script", "layers", "rejected_lines", "rejected_reasons")}
print(json.dumps(out, indent=1, sort_keys=True))
