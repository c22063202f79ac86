#!/usr/bin/env python3
"""Runs each case below (an input and one `add` line) through real Keras 3 (the oracle's
keras_run.py) and writes Tests/ParamCalcEndToEndTests/Fixtures/keras-exactness.jsonl, one case a
line: {"input", "add", "layer": Keras's row (type, params, trainable, non_trainable,
output_shape, weights) or null, "rejected": Keras's reason or null}. KerasExactnessTests runs the
same lines through paramcalc and compares: counts, trainable split, output shape, weights (names,
shapes, trainability, order), and refusals.

The cases cover LoRA (lora_rank on Dense, Embedding, Conv1D/2D/3D, and its refusal elsewhere),
arguments Keras refuses, strides with dilation, MultiHeadAttention's inputs, output_shape,
use_bias and use_gate, and the layers added since (RMSNormalization, Normalization, Identity,
Masking, AlphaDropout, ActivityRegularization, SpectralNormalization, the image preprocessing
layers, adaptive pooling, EinsumDense and its equations, GroupQueryAttention), with what Keras
refuses of them.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_exactness_cases.py
The oracle is looked for in $PARAMCALC_ORACLE (default ../shared/oracle beside the repository).
"""
import json, os, pathlib, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "oracle")))
from keras_run import run  # noqa: E402

CASES = [
    # LoRA: the kernel (or table) frozen, two trainable factors after it.
    ("(None,25)", "add dense units=8 lora_rank=4"),
    ("(None,25)", "add dense units=8 lora_rank=4 use_bias=false lora_alpha=3"),
    ("(None,25)", "add dense units=8 lora_rank=0"),
    ("(None,25)", "add dense units=8 lora_rank=None lora_alpha=2"),
    ("(None,25)", "add dense units=8 lora_alpha=2"),
    ("(None,25)", "add dense units=8 lora_rank=4 trainable=false"),
    ("(None,25)", "add dense units=8 lora_rank=-1"),
    ("(None,25)", "add dense units=8 lora_rank=4 kernel_constraint=non_neg"),
    ("(5,25)", "add dense units=8 lora_rank=30"),
    ("(12,)", "add embedding input_dim=100 output_dim=8 lora_rank=2"),
    ("(12,)", "add embedding input_dim=100 output_dim=8 lora_rank=2 embeddings_constraint=non_neg"),
    ("(12,)", "add embedding input_dim=100 output_dim=8 input_length=9"),
    ("(8,8,3)", "add conv2d filters=2 kernel_size=3 lora_rank=2"),
    ("(8,8,4)", "add conv2d filters=2 kernel_size=3 lora_rank=2 groups=2"),
    ("(10,3)", "add conv1d filters=2 kernel_size=3 lora_rank=2 use_bias=false"),
    ("(6,6,6,3)", "add conv3d filters=2 kernel_size=3 lora_rank=5"),
    ("(10,3)", "add conv1d filters=2 kernel_size=3 lora_rank=2 kernel_constraint=non_neg"),
    ("(9,9,4)", "add conv2dtranspose filters=2 kernel_size=3 lora_rank=2"),
    ("(9,4)", "add conv1dtranspose filters=2 kernel_size=3 lora_alpha=2"),
    ("(9,9,4)", "add depthwiseconv2d kernel_size=3 lora_rank=2"),
    ("(9,4)", "add depthwiseconv1d kernel_size=3 lora_rank=2"),
    ("(9,9,4)", "add separableconv2d filters=2 kernel_size=3 lora_rank=2"),
    ("(9,4)", "add separableconv1d filters=2 kernel_size=3 lora_alpha=2"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 lora_rank=2"),
    # Arguments Keras refuses ("Unrecognized keyword arguments").
    ("(9,9,4)", "add conv2dtranspose filters=2 kernel_size=3 depthwise_initializer=ones"),
    ("(9,9,4)", "add depthwiseconv2d kernel_size=3 kernel_initializer=ones"),
    ("(9,9,4)", "add separableconv2d filters=2 kernel_size=3 kernel_regularizer=l2"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 activation=relu"),
    ("(None,25)", "add dense units=3 depthwise_constraint=non_neg"),
    # strides > 1 with dilation_rate > 1: depthwise and separable take it, the others refuse.
    ("(9,9,4)", "add depthwiseconv2d kernel_size=3 strides=2 dilation_rate=2"),
    ("(9,4)", "add depthwiseconv1d kernel_size=3 strides=2 dilation_rate=2"),
    ("(20,4)", "add separableconv1d filters=3 kernel_size=3 strides=2 dilation_rate=2 padding=same"),
    ("(9,9,4)", "add separableconv2d filters=3 kernel_size=3 strides=2 dilation_rate=2"),
    ("(11,11,4)", "add depthwiseconv2d kernel_size=3 strides=(2,1) dilation_rate=(1,3) depth_multiplier=2"),
    ("(9,9,4)", "add conv2d filters=3 kernel_size=3 strides=2 dilation_rate=2"),
    ("(9,4)", "add conv1d filters=3 kernel_size=3 strides=2 dilation_rate=2"),
    ("(9,9,4)", "add conv2dtranspose filters=3 kernel_size=3 strides=2 dilation_rate=2"),
    ("(9,4)", "add conv1dtranspose filters=3 kernel_size=3 strides=2 dilation_rate=2"),
    ("(5,5,5,4)", "add conv3dtranspose filters=3 kernel_size=3 strides=2 dilation_rate=2"),
    ("(9,9,4)", "add conv2dtranspose filters=3 kernel_size=3 strides=(2,1) dilation_rate=(1,2)"),
    # MultiHeadAttention.
    ("(6,)", "add multiheadattention num_heads=2 key_dim=2"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 output_shape=(2,3)"),
    ("(4,5,16)", "add multiheadattention num_heads=2 key_dim=4 output_shape=(2,3)"),
    ("(10,16)", "add multiheadattention num_heads=3 key_dim=4 value_dim=5 output_shape=7 use_bias=false"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 use_gate=true"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 use_gate=true use_bias=false value_dim=3"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 sliding_window=3"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 output_shape=0"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 output_shape=-1"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 output_shape=(2,0)"),
    # Embedding's Keras 2 argument, accepted without effect.
    ("(7,)", "add embedding input_dim=50 output_dim=4 input_length=7 mask_zero=true"),
    # Layers added since: RMSNormalization, Normalization, Identity, Masking, AlphaDropout,
    # ActivityRegularization.
    ("(10,6)", "add rmsnormalization"),
    ("(10,6)", "add rmsnormalization axis=(1,2) epsilon=1e-05"),
    ("(10,6)", "add rmsnormalization trainable=false"),
    ("(None,6)", "add rmsnormalization axis=1"),
    ("(10,6)", "add normalization"),
    ("(10,6)", "add normalization axis=None"),
    ("(10,6)", "add normalization axis=(1,2)"),
    ("(10,6)", "add normalization mean=0.5 variance=2"),
    ("(10,6)", "add normalization mean=0.5"),
    ("(None,6)", "add normalization axis=1"),
    ("(10,6)", "add identity"),
    ("(10,6)", "add masking mask_value=-1"),
    ("(10,6)", "add alphadropout rate=0.3"),
    ("(10,6)", "add alphadropout rate=1.5"),
    ("(10,6)", "add activityregularization l1=0.01 l2=0.1"),
    ("(10,6)", "add spectralnormalization dense units=4"),
    ("(10,6)", "add spectralnormalization dense units=4 use_bias=false trainable=false"),
    ("(10,)", "add spectralnormalization embedding input_dim=20 output_dim=4"),
    ("(8,8,3)", "add spectralnormalization conv2dtranspose filters=4 kernel_size=3"),
    ("(8,8,3)", "add spectralnormalization depthwiseconv2d kernel_size=3 power_iterations=3"),
    ("(10,6)", "add spectralnormalization dense units=4 power_iterations=0"),
    ("(10,6)", "add spectralnormalization lstm units=3"),
    ("(10,6,3)", "add resizing height=8 width=5"),
    ("(10,6,3)", "add centercrop height=32 width=16"),
    ("(10,6,3)", "add randomcrop height=4 width=5"),
    ("(8,8,3)", "add rescaling scale=0.5 offset=-1.0"),
    ("(8,8,3)", "add randomflip mode=vertical"),
    ("(8,8,3)", "add randomrotation factor=0.1 fill_mode=nearest"),
    ("(8,8,3)", "add randomzoom height_factor=0.1"),
    ("(8,8,3)", "add randomtranslation height_factor=0.1 width_factor=0.2"),
    ("(8,8,3)", "add randomcontrast factor=0.2"),
    ("(8,8,3)", "add randombrightness factor=0.2"),
    ("(10,6,3)", "add adaptiveaveragepooling2d output_size=(2,3)"),
    ("(10,6,3)", "add adaptivemaxpooling2d output_size=4"),
    ("(10,3)", "add adaptivemaxpooling1d output_size=1"),
    ("(4,6,8,3)", "add adaptiveaveragepooling3d output_size=2"),
    # MultiHeadAttention's dropout: a rate from 0 to 1, and none with flash attention;
    # sliding_window: None or a positive integer.
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 dropout=0.1 flash_attention=false"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 dropout=1.5"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 dropout=0.1 flash_attention=true"),
    ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 sliding_window=0"),
    # EinsumDense: the kernel, bias and output shape that Keras's equation analysis gives.
    ("(32,)", "add einsumdense equation=ab,bc->ac output_shape=64 bias_axes=c"),
    ("(32,128)", "add einsumdense equation=abc,cd->abd output_shape=(None,64) bias_axes=d"),
    ("(32,128)", "add einsumdense equation=abc,cd->abd output_shape=(32,64)"),
    ("(None,128)", "add einsumdense equation=abc,cd->abd output_shape=(None,64) bias_axes=d"),
    ("(32,128)", "add einsumdense equation=...x,xy->...y output_shape=64 bias_axes=y"),
    ("(32,)", "add einsumdense equation=...x,xy->...y output_shape=64"),
    ("(4,5,10)", "add einsumdense equation=...b,bc->...c output_shape=64 bias_axes=c"),
    ("(4,5,10)", "add einsumdense equation=...ab,bc->...ac output_shape=(None,8) bias_axes=c"),
    ("(4,5,10)", "add einsumdense equation=...ab,bc->...ac output_shape=(6,8)"),
    ("(10,)", "add einsumdense equation=...ab,bc->...ac output_shape=(6,8) bias_axes=c"),
    ("(10,4,5)", "add einsumdense equation=ab...,bc->ac... output_shape=64 bias_axes=c"),
    ("(10,3)", "add einsumdense equation=ab...,bc->ac... output_shape=8"),
    ("(5,32)", "add einsumdense equation=ab,bc->ac output_shape=64 bias_axes=c"),
    ("(10,16)", "add einsumdense equation=abc,cde->abde output_shape=(None,4,8) bias_axes=de"),
    ("(10,16)", "add einsumdense equation=abc,cde->abde output_shape=(None,4,8) bias_axes=e"),
    ("(10,16)", "add einsumdense equation=abc,cde->abde output_shape=(None,4,8) bias_axes=d"),
    ("(10,16)", "add einsumdense equation=abc,cde->abde output_shape=(None,4,8,9)"),
    ("(10,16)", "add einsumdense equation=abcd,cde->abe output_shape=(None,8)"),
    ("(10,4,16)", "add einsumdense equation=abcd,cde->abe output_shape=(10,8) bias_axes=be"),
    ("(10,16)", "add einsumdense equation=abc,bcd->ad output_shape=8 bias_axes=d"),
    ("(10,16)", "add einsumdense equation=abc,bcd->abd output_shape=(10,8)"),
    ("(10,16)", "add einsumdense equation=abc,cd->abd output_shape=64x32"),
    ("(10,16)", "add einsumdense equation=\"abc,cd->abd\" output_shape=(10,32) bias_axes='d'"),
    ("(10,)", "add einsumdense equation=AB,BC->AC output_shape=8 bias_axes=C"),
    ("(10,)", "add einsumdense equation=ab,bc->ac,x output_shape=8 bias_axes=c"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=8 bias_axes=c lora_rank=4"),
    ("(10,16)", "add einsumdense equation=abc,cde->abde output_shape=(None,4,8) bias_axes=de lora_rank=2"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=8 lora_rank=0"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=8 lora_rank=2 lora_alpha=4 trainable=false"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=8 activation=relu kernel_initializer=ones"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=0 bias_axes=c"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=(8,9) bias_axes=c"),
    # What Keras refuses of EinsumDense.
    ("(10,)", "add einsumdense equation=ab,bc output_shape=8"),
    ("(10,)", "add einsumdense equation=ab->bc output_shape=8"),
    ("(10,3)", "add einsumdense equation=a...,bc->ac... output_shape=8"),
    ("(10,16)", "add einsumdense equation=abc,cd->abd output_shape=(11,16)"),
    ("(32,)", "add einsumdense equation=abc,cd->abd output_shape=64 bias_axes=d"),
    ("(10,16)", "add einsumdense equation=abc,cd->abe output_shape=(None,8)"),
    ("(10,16)", "add einsumdense equation=abc,ce->abd output_shape=(None,8)"),
    ("(10,16)", "add einsumdense equation=abc,cd->abd output_shape=(None,8) bias_axes=x"),
    ("(10,16)", "add einsumdense equation=abc,cd->abd output_shape=(None,8) bias_axes=''"),
    ("(10,)", "add einsumdense equation=abc,cd->abd output_shape=(None,8)"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=() bias_axes=c"),
    ("(None,)", "add einsumdense equation=ab,bc->ac output_shape=8"),
    ("(10,16)", "add einsumdense equation=abc,cd->abd output_shape=(None,None)"),
    ("(10,16)", "add einsumdense equation=abc,cd->abd output_shape=(None,9) bias_axes=bd"),
    ("(10,)", "add einsumdense equation=aa,ab->ab output_shape=8"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=-1"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=None"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=8 bias_axes=5"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=8 lora_rank=2 kernel_constraint=non_neg"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=8 activation=nothing"),
    ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=8 use_bias=true"),
    ("(10,)", "add einsumdense equation=ab,bc->ac"),
    ("(10,)", "add einsumdense output_shape=8"),
    # GroupQueryAttention: keys and values with num_key_value_heads heads.
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=1 use_bias=false"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=4"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 use_gate=true"),
    ("(10,16)", "add groupqueryattention head_dim=4 num_query_heads=6 num_key_value_heads=3 use_gate=true use_bias=false"),
    ("(None,16)", "add groupqueryattention head_dim=8 num_query_heads=2 num_key_value_heads=1 dropout=0.1 seed=3"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=2 num_key_value_heads=2 sliding_window=3 flash_attention=false"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=0 num_key_value_heads=2"),
    ("(4,5,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2"),
    ("(4,5,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 use_gate=true use_bias=false"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 trainable=false"),
    # What Keras refuses of GroupQueryAttention.
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=3"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=0"),
    ("(10,16)", "add groupqueryattention head_dim=0 num_query_heads=4 num_key_value_heads=2"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=-2 num_key_value_heads=2"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 dropout=0.1 flash_attention=true"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 dropout=1.5"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 sliding_window=0"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 lora_rank=2"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 activation=relu"),
    ("(16,)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2"),
    ("(10,None)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2"),
    ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4"),
]

out = []
for inp, add in CASES:
    k = run(f"input {inp}\n{add}\n")
    assert not k.get("oracle_errors"), (add, k.get("oracle_errors"))
    rejected = k["rejected_reasons"].get("2") or k["rejected_reasons"].get(2)
    out.append({"input": inp, "add": add, "layer": k["layers"][0] if k["layers"] else None,
                "rejected": rejected})
target = pathlib.Path(__file__).resolve().parent.parent / "Tests/ParamCalcEndToEndTests/Fixtures/keras-exactness.jsonl"
target.write_text("".join(json.dumps(c) + "\n" for c in out))
print(f"{len(out)} cases, {sum(c['rejected'] is not None for c in out)} refused by Keras", file=sys.stderr)
