"""The argument names each Keras 3 layer class of the Recurrent, Wrapper, Normalization,
Reshaping, Regularization, Activation, Pooling, ConvRecurrent, Preprocessing and Merging families,
Attention and AdditiveAttention (and ReversibleEmbedding, Pipeline, and the cells RNN runs)
accepts, asked of Keras itself.

For every class, each candidate name (any parameter of an `__init__` along the class's MRO, any
`kwargs.pop("...")` of those files, and every name paramcalc has accepted for some layer) is
passed alone, with its default where the signature has one (else None), to the constructor
with the class's required arguments; Keras refuses a name it does not take with "Unrecognized
keyword arguments passed to CLASS" (a class without `**kwargs` with a TypeError). `common` holds
what `Layer.__init__` itself takes; `layers` what each class accepts beyond that;
`refuses_common` the names of `common` a class refuses (one whose `__init__` lists its own).

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_accepted_arguments.py \
         > Tests/ParamCalcEndToEndTests/Fixtures/keras-accepted-arguments.json
"""
import inspect, json, os, re, sys
os.environ.setdefault("KERAS_BACKEND", "jax")
import warnings
warnings.filterwarnings("ignore")
import keras
from keras import layers as L

CLASSES = (
    ["SimpleRNN", "LSTM", "GRU", "Bidirectional", "TimeDistributed",
     "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
     "Permute", "RepeatVector"]
    + [f"{k}{r}D" for k in ("UpSampling", "ZeroPadding", "Cropping", "SpatialDropout") for r in (1, 2, 3)]
    + ["GaussianNoise", "GaussianDropout", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"]
    + [f"{g}{k}Pooling{r}D" for g in ("", "Global") for k in ("Max", "Average") for r in (1, 2, 3)]
    + [f"Adaptive{k}Pooling{r}D" for k in ("Max", "Average") for r in (1, 2, 3)]
    + [f"ConvLSTM{r}D" for r in (1, 2, 3)]
    + ["RMSNormalization", "Normalization", "Identity", "Masking", "AlphaDropout",
       "ActivityRegularization", "SpectralNormalization", "ReversibleEmbedding",
       "CategoryEncoding", "Discretization",
       "Rescaling", "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomRotation",
       "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness",
       "RandomGrayscale", "RandomHue", "RandomSaturation", "RandomSharpness", "RandomShear",
       "RandomPosterization", "RandomInvert", "RandomColorJitter", "RandomColorDegeneration",
       "RandomPerspective", "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur",
       "Solarization", "AutoContrast", "MixUp", "CutMix", "RandAugment", "AugMix",
       "MaxNumBoundingBoxes", "ContrastLimitedAdaptiveHistogramEqualization"]
    + ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"]
    + ["Attention", "AdditiveAttention"]
    + ["RNN", "Pipeline", "SimpleRNNCell", "LSTMCell", "GRUCell"]
)

# Values for the arguments a class requires.
REQUIRED = {"units": 3, "n": 2, "dims": (1,), "rate": 0.1, "stddev": 0.1, "pool_size": 2,
            "output_size": 2, "filters": 2, "kernel_size": 3, "input_dim": 10, "output_dim": 4,
            "scale": 0.5, "height": 4, "width": 4, "factor": 0.5, "height_factor": 0.1,
            "width_factor": 0.1, "max_number": 3, "axes": 1}
# Arguments a class needs although its signature gives them a default.
NEEDED = {"Discretization": {"num_bins": 4}, "CategoryEncoding": {"num_tokens": 4}}

# Names paramcalc has accepted somewhere (candidates, so that any it wrongly accepts is tested).
EXTRA = ["lora_rank", "lora_alpha", "unit_forget_bias", "use_cudnn", "time_major", "momentum",
         "batch_size", "interpolation", "seed", "noise_shape", "weights", "backward_layer",
         "implementation", "rms_scaling", "synchronized", "alpha", "data_format", "keepdims",
         "return_state", "stateful", "unroll", "zero_output_for_mask", "activation",
         "recurrent_activation", "dropout", "recurrent_dropout", "go_backwards"]


def required_args(cls):
    if cls in (L.Bidirectional,):
        return (L.LSTM(2),), {}
    if cls in (L.TimeDistributed, L.SpectralNormalization):
        return (L.Dense(2),), {}
    # RNN's cell and Pipeline's layers are arguments paramcalc declares (in quotes).
    if cls is L.RNN:
        return (), {"cell": L.LSTMCell(2)}
    if cls is L.Pipeline:
        return (), {"layers": [L.Dense(2)]}
    kw = dict(NEEDED.get(cls.__name__, {}))
    for p in inspect.signature(cls.__init__).parameters.values():
        if p.name in REQUIRED and p.default is inspect.Parameter.empty:
            kw[p.name] = REQUIRED[p.name]
    return (), kw


def signature_defaults(cls):
    out = {}
    for k in reversed(cls.__mro__):
        init = k.__dict__.get("__init__")
        if init is None: continue
        for p in inspect.signature(init).parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name == "self": continue
            out[p.name] = p.default if p.default is not inspect.Parameter.empty else None
        try:
            src = inspect.getsource(k)
        except (OSError, TypeError):
            continue
        for name in re.findall(r'kwargs\.pop\(\s*"(\w+)"', src):
            out.setdefault(name, None)
    return out


def accepts(cls, name, value):
    args, kw = required_args(cls)
    if name in kw: return True
    if name == "layer": return False  # the wrapped layer: paramcalc's `add WRAPPER TYPE ...`
    try:
        cls(*args, **kw, **{name: value})
    except Exception as e:
        text = str(e)
        if text.startswith("Unrecognized keyword arguments") and repr(name) in text:
            return False
        # An image layer that takes no factor, given one (base_image_preprocessing_layer.py).
        if f"does not take a `{name}` argument" in text:
            return False
        # A class with no **kwargs, or one that passes the name to its parent itself.
        if isinstance(e, TypeError) and (
            f"unexpected keyword argument '{name}'" in text
            or f"multiple values for keyword argument '{name}'" in text
            or f"multiple values for argument '{name}'" in text):
            return False
    return True


classes = [getattr(L, n) for n in CLASSES]
candidates = dict()
for cls in classes + [keras.layers.Layer]:
    for k, v in signature_defaults(cls).items():
        candidates.setdefault(k, v)
for k in EXTRA:
    candidates.setdefault(k, None)
# The base image layer accepts factor=None from every subclass and refuses any other value
# where the class takes no factor: asked with a value.
candidates["factor"] = 0.5

common = sorted(
    k for k in signature_defaults(keras.layers.Layer) if k not in ("self",)
) + ["input_dim", "input_shape"]
common = sorted(set(common))

COMMON_VALUES = {"trainable": True, "input_dim": 3, "input_shape": (3,), "autocast": True}
layers = {}
refuses_common = {}
for cls in classes:
    names = [k for k, v in sorted(candidates.items()) if k not in common and accepts(cls, k, v)]
    layers[cls.__name__] = names
    refused = [k for k in common if not accepts(cls, k, COMMON_VALUES.get(k))]
    if refused:
        refuses_common[cls.__name__] = refused

print(json.dumps({"keras_version": keras.__version__, "common": common, "layers": layers,
                  "refuses_common": refuses_common},
                 indent=1, sort_keys=True))
