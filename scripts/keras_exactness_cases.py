#!/usr/bin/env python3
"""Runs each case below (an input and one `add` line) through real Keras 3 (the oracle's
keras_run.py) and writes Tests/ParamCalcEndToEndTests/Fixtures/keras-exactness.jsonl, one case a
line: {"input", "add", "layer": Keras's row (type, params, trainable, non_trainable,
output_shape, weights) or null, "rejected": Keras's reason or null}. KerasExactnessTests runs the
same lines through paramcalc and compares: counts, trainable split, output shape, weights (names,
shapes, trainability, order), and refusals.

The cases cover LoRA (lora_rank on Dense, Embedding, Conv1D/2D/3D, and its refusal elsewhere),
arguments Keras refuses, strides with dilation, MultiHeadAttention's inputs, output_shape,
use_bias and use_gate, and the layers added since (RMSNormalization, Normalization with its mean
and variance as numbers or lists, Identity, Masking, AlphaDropout, ActivityRegularization,
SpectralNormalization, the image preprocessing layers and augmentations with their factors,
interpolation and fill_mode, adaptive pooling, ConvLSTM1D/2D/3D, CategoryEncoding, Discretization,
ReversibleEmbedding, EinsumDense and its equations, GroupQueryAttention, STFTSpectrogram and its
windows, MelSpectrogram, Attention and AdditiveAttention on one tensor, quantization_config),
choices in upper case, data_format=channels_first on every family that takes it, with what Keras
refuses of them; RNN around cells and stacks of cells, Pipeline around layers, and models used
as layers, Sequential and Functional (built by keras_quoted_layers.py, as the oracle reads no
layer in quotes).

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
    # Factors: a number in the range, or a pair (RandomRotation, RandomContrast, RandomBrightness
    # and the base layer: the pair must reach into the range; RandomZoom, RandomTranslation: each
    # number in it).
    ("(8,8,3)", "add randomrotation factor=2"),
    ("(8,8,3)", "add randomrotation factor=(-2,0.1)"),
    ("(8,8,3)", "add randomrotation factor=(0.1,0.2,0.3)"),
    ("(8,8,3)", "add randomzoom height_factor=-1"),
    ("(8,8,3)", "add randomzoom height_factor=(-0.5,0.2) width_factor=1"),
    ("(8,8,3)", "add randomzoom height_factor=(0.1,-1)"),
    ("(8,8,3)", "add randomtranslation height_factor=(-1,1) width_factor=-1"),
    ("(8,8,3)", "add randomtranslation height_factor=(-2,0.1) width_factor=0"),
    ("(8,8,3)", "add randomcontrast factor=(2,3)"),
    ("(8,8,3)", "add randomcontrast factor=(-2,0.1)"),
    ("(8,8,3)", "add randomcontrast factor=-0.5"),
    ("(8,8,3)", "add randombrightness factor=1.5"),
    # The other augmentations: shape kept at any rank, the factors checked.
    ("(8,8,3)", "add randomgrayscale"),
    ("(8,8,3)", "add randomgrayscale factor=1.5"),
    ("(8,8,3)", "add randomgrayscale factor=(0.1,0.2)"),
    ("(10,4)", "add randomhue factor=0.2"),
    ("(8,8,3)", "add randomhue factor=2"),
    ("(8,8,3)", "add randomhue"),
    ("(8,8,1)", "add randomsaturation factor=-1"),
    ("(8,8,3)", "add randomsaturation factor=(0.3,0.1)"),
    ("(8,8,3)", "add randomsharpness factor=-1"),
    ("(8,8,3)", "add randomshear x_factor=0.2 y_factor=0.1 fill_mode=nearest"),
    ("(8,8,3)", "add randomposterization factor=(2,4)"),
    ("(8,8,3)", "add randomposterization factor=0.5"),
    ("(8,8,3)", "add randomposterization factor=(0.1,0.2)"),
    ("(4,8,8,3)", "add randominvert factor=0.5"),
    ("(8,8,3)", "add randominvert factor=2"),
    ("(8,8,3)", "add randomcolorjitter brightness_factor=0.2 hue_factor=0.1"),
    ("(8,8,3)", "add randomcolordegeneration factor=0.5"),
    ("(8,8,1)", "add randomcolordegeneration factor=0.5"),
    ("(16,3)", "add randomcolordegeneration factor=0.5"),
    ("(8,8,3)", "add randomcolordegeneration factor=2"),
    ("(8,8,3)", "add randomperspective factor=0.5 scale=0.5"),
    ("(8,8,3)", "add randomperspective factor=-1"),
    ("(8,8,3)", "add randomelastictransform"),
    ("(8,8,3)", "add randomerasing factor=(0.1,0.4)"),
    ("(8,8,3)", "add randomgaussianblur factor=0.5 kernel_size=5"),
    ("(8,8,3)", "add randomgaussianblur factor=1.5"),
    ("(8,8,3)", "add solarization addition_factor=0.2 threshold_factor=0.1"),
    ("(8,8,3)", "add autocontrast value_range=(0,1)"),
    ("(8,)", "add mixup alpha=0.4"),
    ("(8,8,3)", "add cutmix factor=0.5"),
    ("(8,8,3)", "add cutmix factor=3"),
    ("(8,8,3)", "add randaugment num_ops=3 factor=0.2"),
    ("(8,8,3)", "add randaugment factor=-0.5"),
    ("(8,8,3)", "add augmix chain_depth=2"),
    ("(8,8,3)", "add augmix factor=1.5"),
    ("(8,8,3)", "add maxnumboundingboxes max_number=4"),
    ("(8,8,3)", "add maxnumboundingboxes"),
    ("(8,8,3)", "add contrastlimitedadaptivehistogramequalization clip_limit=2.0"),
    ("(8,8,3)", "add randomhue factor=0.2 shear=1"),
    # The augmentations' other strengths, data_format and seed, checked as Keras checks them.
    ("(8,8,3)", "add randomcolorjitter brightness_factor=2"),
    ("(8,8,3)", "add randomcolorjitter contrast_factor=1.5"),
    ("(8,8,3)", "add randomcolorjitter saturation_factor=-0.5 hue_factor=0.2"),
    ("(8,8,3)", "add randomshear x_factor=1.2"),
    ("(8,8,3)", "add randomshear x_factor=(-0.1,0.5)"),
    ("(8,8,3)", "add randomshear x_factor=(0.1,0.5) y_factor=0.3"),
    ("(8,8,3)", "add solarization addition_factor=1.5"),
    ("(8,8,3)", "add solarization threshold_factor=-0.5"),
    ("(8,8,3)", "add randomgaussianblur sigma=-1"),
    ("(8,8,3)", "add randomgaussianblur sigma=(0.1,0.9)"),
    ("(8,8,3)", "add randomelastictransform scale=2"),
    ("(8,8,3)", "add randomperspective scale=2"),
    ("(8,8,3)", "add randomerasing scale=(2,3)"),
    ("(8,8,3)", "add randomerasing scale=(0.1,0.2)"),
    ("(8,8,3)", "add randomhue factor=0.5 data_format=foo"),
    ("(3,8,8)", "add randomhue factor=0.5 data_format=channels_first"),
    ("(8,8,3)", "add randomhue factor=0.5 seed=-1"),
    ("(8,8,3)", "add randomgrayscale seed=1.5"),
    ("(8,8,3)", "add randomgrayscale seed=7"),
    ("(3,8,8)", "add randomcolordegeneration factor=0.5 data_format=channels_first"),
    ("(3,8,8)", "add conv2d filters=4 kernel_size=3 data_format=None"),
    ("(8,8,3)", "add randomcontrast factor=0.2 data_format=channels_first"),
    # data_format=channels_first: the channels first after the batch (after the time axis for
    # ConvLSTM), the same weights.
    ("(3,20)", "add conv1d filters=4 kernel_size=3 data_format=channels_first"),
    ("(3,32,32)", "add conv2d filters=16 kernel_size=3 strides=2 padding=same data_format=channels_first"),
    ("(4,9,9)", "add conv2d filters=6 kernel_size=3 groups=2 data_format=channels_first"),
    ("(2,6,7,8)", "add conv3d filters=3 kernel_size=(2,3,3) data_format=channels_first"),
    ("(4,9)", "add conv1dtranspose filters=2 kernel_size=3 strides=2 data_format=channels_first"),
    ("(4,9,9)", "add conv2dtranspose filters=2 kernel_size=3 strides=2 output_padding=1 data_format=channels_first"),
    ("(2,5,5,5)", "add conv3dtranspose filters=2 kernel_size=2 data_format=channels_first"),
    ("(4,9,9)", "add depthwiseconv2d kernel_size=3 depth_multiplier=2 data_format=channels_first"),
    ("(4,12)", "add depthwiseconv1d kernel_size=3 data_format=channels_first"),
    ("(4,12)", "add separableconv1d filters=3 kernel_size=3 data_format=channels_first"),
    ("(4,9,9)", "add separableconv2d filters=3 kernel_size=3 data_format=channels_first"),
    ("(16,4,4)", "add conv2d filters=2 kernel_size=5 data_format=channels_first"),
    ("(3,32,32)", "add conv2d filters=2 kernel_size=3 data_format=channels_last"),
    ("(3,20)", "add maxpooling1d pool_size=2 data_format=channels_first"),
    ("(3,10,9)", "add maxpooling2d pool_size=2 data_format=channels_first"),
    ("(3,10,9)", "add averagepooling2d pool_size=3 strides=2 padding=same data_format=channels_first"),
    ("(2,6,6,6)", "add maxpooling3d pool_size=2 data_format=channels_first"),
    ("(3,20)", "add globalaveragepooling1d data_format=channels_first keepdims=true"),
    ("(3,10,9)", "add globalmaxpooling2d data_format=channels_first"),
    ("(2,6,6,6)", "add globalaveragepooling3d data_format=channels_first keepdims=true"),
    ("(3,10,9)", "add adaptiveaveragepooling2d output_size=(2,3) data_format=channels_first"),
    ("(3,20)", "add adaptivemaxpooling1d output_size=5 data_format=channels_first"),
    ("(3,4,5)", "add upsampling2d size=2 data_format=channels_first"),
    ("(3,4,5,6)", "add upsampling3d size=(1,2,3) data_format=channels_first"),
    ("(3,4,5)", "add zeropadding2d padding=((1,2),(3,4)) data_format=channels_first"),
    ("(3,4,5,6)", "add zeropadding3d padding=1 data_format=channels_first"),
    ("(3,6,7)", "add cropping2d cropping=((1,2),(0,3)) data_format=channels_first"),
    ("(3,6,7,8)", "add cropping3d cropping=1 data_format=channels_first"),
    ("(3,6,7)", "add spatialdropout2d rate=0.2 data_format=channels_first"),
    ("(3,10,12)", "add resizing height=5 width=6 data_format=channels_first"),
    ("(3,10,12)", "add centercrop height=4 width=6 data_format=channels_first"),
    ("(3,10,12)", "add randomflip data_format=channels_first"),
    ("(3,10,12)", "add flatten data_format=channels_first"),
    ("(5,3,12)", "add convlstm1d filters=4 kernel_size=3 data_format=channels_first"),
    ("(5,3,12)", "add convlstm1d filters=4 kernel_size=3 data_format=channels_first return_sequences=true"),
    ("(4,2,8,8)", "add convlstm2d filters=3 kernel_size=3 padding=same data_format=channels_first"),
    ("(3,20)", "add conv1d filters=4 kernel_size=3 data_format=channels_middle"),
    # CategoryEncoding, Discretization: the shape rule of each output mode, and the refusals.
    ("(12,)", "add categoryencoding num_tokens=10"),
    ("(12,4)", "add categoryencoding num_tokens=10 output_mode=count"),
    ("(12,)", "add categoryencoding num_tokens=10 output_mode=one_hot"),
    ("(12,1)", "add categoryencoding num_tokens=10 output_mode=one_hot"),
    ("(3,4,1)", "add categoryencoding num_tokens=7 output_mode=one_hot"),
    ("(None,)", "add categoryencoding num_tokens=10 output_mode=binary"),
    ("(12,)", "add categoryencoding num_tokens=10 sparse=true"),
    ("(12,)", "add categoryencoding num_tokens=0"),
    ("(12,)", "add categoryencoding"),
    ("(12,)", "add categoryencoding num_tokens=10 output_mode=tf_idf"),
    ("(12,)", "add discretization bin_boundaries=(0.0,1.0,2.0)"),
    ("(12,4)", "add discretization bin_boundaries=(0.0,1.0,2.0) output_mode=multi_hot"),
    ("(5,12,4)", "add discretization bin_boundaries=(0.5,) output_mode=count"),
    ("(12,1)", "add discretization num_bins=4 output_mode=one_hot"),
    ("(12,)", "add discretization num_bins=4 output_mode=one_hot epsilon=0.1"),
    ("(12,)", "add discretization num_bins=4 output_mode=count"),
    ("(12,)", "add discretization bin_boundaries=() output_mode=one_hot"),
    ("(12,)", "add discretization num_bins=0 output_mode=one_hot"),
    ("(12,)", "add discretization"),
    ("(12,)", "add discretization num_bins=4 bin_boundaries=(0.0,1.0)"),
    ("(12,)", "add discretization num_bins=-1"),
    ("(12,)", "add discretization num_bins=4 sparse=true"),
    ("(12,)", "add discretization num_bins=4 output_mode=one_hot sparse=true"),
    ("(12,)", "add discretization num_bins=4 output_mode=tf_idf"),
    # ReversibleEmbedding: tied (one table) or untied (a second, transposed), LoRA when tied.
    ("(12,)", "add reversibleembedding input_dim=100 output_dim=8"),
    ("(12,)", "add reversibleembedding input_dim=100 output_dim=8 tie_weights=false"),
    ("(12,)", "add reversibleembedding input_dim=100 output_dim=8 lora_rank=2"),
    ("(12,)", "add reversibleembedding input_dim=100 output_dim=8 tie_weights=false lora_rank=2"),
    ("(12,)", "add reversibleembedding input_dim=100 output_dim=8 logit_soft_cap=30.0 mask_zero=true"),
    ("(3,4)", "add reversibleembedding input_dim=50 output_dim=6 tie_weights=false"),
    ("(12,)", "add reversibleembedding input_dim=100"),
    ("(10,6,3)", "add adaptiveaveragepooling2d output_size=(2,3)"),
    ("(10,6,3)", "add adaptivemaxpooling2d output_size=4"),
    ("(10,3)", "add adaptivemaxpooling1d output_size=1"),
    ("(4,6,8,3)", "add adaptiveaveragepooling3d output_size=2"),
    # ConvLSTM1D/2D/3D: the weights, the output shape (the convolution's rule on each step's
    # input; the time axis kept with return_sequences), the wrappers, and Keras's refusals.
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3"),
    ("(None,16,3)", "add convlstm1d filters=8 kernel_size=1 padding=same return_sequences=true"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 strides=2 padding=same use_bias=false"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 strides=3"),
    ("(7,20,2)", "add convlstm1d filters=3 kernel_size=3 dilation_rate=4 return_sequences=true"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 trainable=false unit_forget_bias=false go_backwards=true dropout=0.1 recurrent_dropout=0.2 seed=3 activation=relu recurrent_activation=hard_sigmoid unroll=true zero_output_for_mask=true"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 strides=2 dilation_rate=2"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 return_state=true"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 stateful=true"),
    ("(5,2,3)", "add convlstm1d filters=4 kernel_size=3"),
    ("(5,None,3)", "add convlstm1d filters=4 kernel_size=3"),
    ("(5,16,None)", "add convlstm1d filters=4 kernel_size=3"),
    ("(16,3)", "add convlstm1d filters=4 kernel_size=3"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 padding=causal"),
    ("(5,16,3)", "add convlstm1d filters=0 kernel_size=3"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 lora_rank=2"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 implementation=1"),
    ("(5,16,3)", "add convlstm1d filters=4 kernel_size=3 time_major=true"),
    ("(5,16,3)", "add bidirectional convlstm1d filters=4 kernel_size=3"),
    ("(2,5,16,3)", "add timedistributed convlstm1d filters=4 kernel_size=3"),
    ("(5,16,3)", "add spectralnormalization convlstm1d filters=4 kernel_size=3"),
    ("(6,12,8,1)", "add convlstm2d filters=8 kernel_size=(3,1) return_sequences=true"),
    ("(4,11,10,3)", "add convlstm2d filters=5 kernel_size=(3,2) strides=(2,3)"),
    ("(4,11,10,3)", "add convlstm2d filters=2 kernel_size=(2,3) dilation_rate=(1,3) use_bias=false"),
    ("(None,64,64,1)", "add convlstm2d filters=64 kernel_size=5 padding=same return_sequences=true"),
    ("(5,8,8,3)", "add convlstm2d filters=4 kernel_size=3 dilation_rate=(1,4)"),
    ("(5,16,3)", "add convlstm2d filters=4 kernel_size=3"),
    ("(5,16,16,3)", "add bidirectional convlstm2d filters=4 kernel_size=3 return_sequences=true merge_mode=sum"),
    ("(5,9,9,9,2)", "add convlstm3d filters=2 kernel_size=3 dilation_rate=(1,2,3)"),
    ("(3,8,8,8,4)", "add convlstm3d filters=6 kernel_size=(2,3,1) strides=(2,2,1) padding=same return_sequences=true"),
    ("(3,8,8,8,4)", "add convlstm3d filters=6 kernel_size=3 strides=2 dilation_rate=2"),
    ("(3,8,8,8,4)", "add bidirectional convlstm3d filters=2 kernel_size=2 merge_mode=ave"),
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
    # EinsumDense with a letter given twice in one spec: Keras reads the last axis it names.
    ("(3,4)", "add einsumdense equation=abb,bc->ac output_shape=8"),
    ("(4,3)", "add einsumdense equation=abb,bc->ac output_shape=8"),
    ("(3,3)", "add einsumdense equation=abb,bc->abc output_shape=(3,8) bias_axes=bc"),
    ("(4,)", "add einsumdense equation=ab,bb->ab output_shape=4 bias_axes=b"),
    ("(5,)", "add einsumdense equation=ab,bcc->acc output_shape=(8,9)"),
    ("(5,)", "add einsumdense equation=ab,bc->acc output_shape=(8,9) bias_axes=c"),
    ("(4,4,6)", "add einsumdense equation=abbc,cd->abd output_shape=(4,8) bias_axes=d"),
    ("(4,5,6)", "add einsumdense equation=abbc,cd->abd output_shape=(4,8) bias_axes=d"),
    ("(5,4,6)", "add einsumdense equation=abbc,cd->abd output_shape=(4,8) bias_axes=d"),
    ("(2,4,4)", "add einsumdense equation=...bb,bc->...c output_shape=8 bias_axes=c"),
    ("(3,5)", "add einsumdense equation=abc,bc->aab output_shape=(3,3)"),
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
    # STFTSpectrogram: two kernels (one for mode=real or imag) of (frame_length, 1,
    # fft_length // 2 + 1); frames by the convolution's rule; each mode, padding, expand_dims,
    # data_format, several channels, and what Keras refuses.
    ("(16000,1)", "add stftspectrogram"),
    ("(16000,2)", "add stftspectrogram mode=stft"),
    ("(16000,2)", "add stftspectrogram mode=real"),
    ("(16000,3)", "add stftspectrogram mode=imag expand_dims=true"),
    ("(16000,1)", "add stftspectrogram mode=magnitude frame_length=400 frame_step=160 padding=same"),
    ("(16000,1)", "add stftspectrogram mode=psd frame_length=400 fft_length=500"),
    ("(16000,1)", "add stftspectrogram mode=angle frame_length=255 periodic=true scaling=spectrum"),
    ("(16000,1)", "add stftspectrogram window=hamming scaling=None frame_step=256"),
    ("(16000,1)", "add stftspectrogram window=None trainable=false"),
    ("(16000,1)", "add stftspectrogram frame_length=1 frame_step=1"),
    ("(None,1)", "add stftspectrogram padding=same"),
    ("(None,2)", "add stftspectrogram mode=stft expand_dims=true"),
    ("(2,16000)", "add stftspectrogram data_format=channels_first"),
    ("(2,16000)", "add stftspectrogram data_format=channels_first expand_dims=true"),
    ("(2,8000)", "add stftspectrogram data_format=channels_first expand_dims=true mode=stft frame_length=64"),
    ("(3,None)", "add stftspectrogram data_format=channels_first mode=real padding=same"),
    ("(16000,1)", "add stftspectrogram frame_length=400 fft_length=300"),
    ("(16000,1)", "add stftspectrogram frame_step=300"),
    ("(16000,1)", "add stftspectrogram frame_step=0"),
    ("(16000,1)", "add stftspectrogram frame_length=0"),
    ("(16000,1)", "add stftspectrogram frame_length=1"),
    ("(16000,1)", "add stftspectrogram fft_length=0"),
    ("(16000,1)", "add stftspectrogram mode=power"),
    ("(16000,1)", "add stftspectrogram scaling=unit"),
    ("(16000,1)", "add stftspectrogram padding=causal"),
    ("(16000,1)", "add stftspectrogram window=hannn"),
    ("(16000,1)", "add stftspectrogram data_format=channels_middle"),
    ("(16000,)", "add stftspectrogram"),
    ("(100,4,1)", "add stftspectrogram"),
    ("(100,1)", "add stftspectrogram"),
    ("(16000,None)", "add stftspectrogram"),
    ("(None,16000)", "add stftspectrogram data_format=channels_first"),
    ("(1,100)", "add stftspectrogram data_format=channels_first"),
    # MelSpectrogram: no weights; (num_mel_bins, (samples + sequence_stride + 1) //
    # sequence_stride) from the axis after the batch, whatever the rank; its refusals.
    ("(16000,)", "add melspectrogram"),
    ("(16000,1)", "add melspectrogram num_mel_bins=64"),
    ("(16000,1,3)", "add melspectrogram sequence_stride=256"),
    ("(2,16000)", "add melspectrogram"),
    ("(None,)", "add melspectrogram"),
    ("(10,)", "add melspectrogram"),
    ("(16000,)", "add melspectrogram fft_length=512 sequence_stride=160 num_mel_bins=40"),
    ("(16000,)", "add melspectrogram fft_length=512 sequence_length=400 sampling_rate=8000 max_freq=4000"),
    ("(16000,)", "add melspectrogram sequence_length=0 power_to_db=false mag_exp=1.0 window=hamming"),
    ("(16000,)", "add melspectrogram trainable=false"),
    ("(16000,)", "add melspectrogram fft_length=512 sequence_length=1024"),
    ("(16000,)", "add melspectrogram sequence_stride=0"),
    ("(16000,)", "add melspectrogram sequence_stride=-5"),
    ("(16000,)", "add melspectrogram num_mel_bins=0"),
    ("(16000,)", "add melspectrogram num_mel_bins=-2"),
    # MelSpectrogram: Keras checks only fft_length >= (sequence_length or fft_length); sizes of
    # 0 or less build with the same shape.
    ("(16000,)", "add melspectrogram fft_length=0"),
    ("(16000,)", "add melspectrogram fft_length=-512"),
    ("(16000,)", "add melspectrogram fft_length=1"),
    ("(16000,)", "add melspectrogram sequence_length=-3"),
    ("(16000,)", "add melspectrogram fft_length=0 sequence_length=0"),
    ("(16000,)", "add melspectrogram fft_length=-5 sequence_length=-7"),
    ("(16000,)", "add melspectrogram fft_length=-5 sequence_length=3"),
    ("(16000,)", "add melspectrogram fft_length=-5 sequence_length=-3"),
    ("(16000,)", "add melspectrogram fft_length=None"),
    # STFTSpectrogram's window: SciPy's names without a parameter (aliases, _symmetric and
    # _periodic too), None, or frame_length numbers; a name needing a parameter, another case
    # or an unknown name refused.
    ("(16000,1)", "add stftspectrogram window=blackman"),
    ("(16000,1)", "add stftspectrogram window=boxcar"),
    ("(16000,1)", "add stftspectrogram window=hann_periodic"),
    ("(16000,1)", "add stftspectrogram window=hamming_symmetric periodic=true"),
    ("(16000,1)", "add stftspectrogram window=tukey"),
    ("(16000,1)", "add stftspectrogram window=taylor"),
    ("(16000,1)", "add stftspectrogram window=exponential"),
    ("(16000,1)", "add stftspectrogram window=poisson_periodic"),
    ("(16000,1)", "add stftspectrogram window=bkh"),
    ("(16000,1)", "add stftspectrogram window=sinc"),
    ("(16000,1)", "add stftspectrogram window=flattop_symmetric"),
    ("(16000,1)", "add stftspectrogram window=rectangular"),
    ("(100,1)", "add stftspectrogram frame_length=3 window=(0.5,1,0.5)"),
    ("(100,1)", "add stftspectrogram frame_length=3 window=(0.5,1)"),
    ("(16000,1)", "add stftspectrogram window=gaussian"),
    ("(16000,1)", "add stftspectrogram window=kaiser"),
    ("(16000,1)", "add stftspectrogram window=kaiser_periodic"),
    ("(16000,1)", "add stftspectrogram window=dpss"),
    ("(16000,1)", "add stftspectrogram window=chebwin"),
    ("(16000,1)", "add stftspectrogram window=general_hamming"),
    ("(16000,1)", "add stftspectrogram window=kbd"),
    ("(16000,1)", "add stftspectrogram window=Hann"),
    ("(16000,1)", "add stftspectrogram window=HAMMING"),
    ("(16000,1)", "add stftspectrogram window=foo"),
    ("(16000,1)", "add stftspectrogram window=hann_periodic_periodic"),
    ("(16000,1)", "add stftspectrogram window='none'"),
    # mode, scaling and padding are compared with Keras's lists as written.
    ("(16000,1)", "add stftspectrogram mode=LOG"),
    ("(16000,1)", "add stftspectrogram scaling=Density"),
    ("(16000,1)", "add stftspectrogram padding=VALID"),
    ("(16000,1)", "add stftspectrogram scaling='none'"),
    ("(16000,1)", "add stftspectrogram scaling=spectrum padding=same mode=psd"),
    # RandomGaussianBlur's kernel_size: an odd number (x % 2 != 0) or a pair of them.
    ("(8,8,3)", "add randomgaussianblur kernel_size=3"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=1"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=-3"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=2.5"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=(3,5)"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=(5,3)"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=2"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=4"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=0"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=2.0"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=(3,4)"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=(3,5,7)"),
    ("(8,8,3)", "add randomgaussianblur kernel_size=None"),
    # interpolation (nearest, bilinear) and fill_mode, compared as written.
    ("(8,8,3)", "add randaugment interpolation=nearest"),
    ("(8,8,3)", "add randaugment interpolation=foo"),
    ("(8,8,3)", "add randaugment interpolation=bicubic"),
    ("(8,8,3)", "add randaugment interpolation=BILINEAR"),
    ("(8,8,3)", "add augmix interpolation=nearest"),
    ("(8,8,3)", "add augmix interpolation=foo"),
    ("(8,8,3)", "add randomshear x_factor=0.2 interpolation=nearest fill_mode=wrap"),
    ("(8,8,3)", "add randomshear x_factor=0.2 interpolation=bicubic"),
    ("(8,8,3)", "add randomshear x_factor=0.2 fill_mode=mirror"),
    ("(8,8,3)", "add randomshear x_factor=0.2 fill_mode=Constant"),
    ("(8,8,3)", "add randomperspective interpolation=nearest"),
    ("(8,8,3)", "add randomperspective interpolation=area"),
    ("(8,8,3)", "add randomelastictransform interpolation=nearest fill_mode=mirror"),
    ("(8,8,3)", "add randomelastictransform fill_mode=constant"),
    ("(8,8,3)", "add randomelastictransform fill_mode=foo"),
    ("(8,8,3)", "add randomelastictransform interpolation=lanczos3"),
    # RandomRotation, RandomZoom, RandomTranslation: interpolation nearest or bilinear, fill_mode
    # reflect, wrap, constant or nearest, each as written; anything else refused.
    ("(8,8,3)", "add randomrotation factor=0.1 interpolation=nearest fill_mode=constant"),
    ("(8,8,3)", "add randomrotation factor=0.1 fill_mode=wrap"),
    ("(8,8,3)", "add randomrotation factor=0.1 interpolation=bicubic"),
    ("(8,8,3)", "add randomrotation factor=0.1 interpolation=NEAREST"),
    ("(8,8,3)", "add randomrotation factor=0.1 fill_mode=mirror"),
    ("(8,8,3)", "add randomrotation factor=0.1 fill_mode=Reflect"),
    ("(8,8,3)", "add randomzoom height_factor=0.1 interpolation=nearest fill_mode=nearest"),
    ("(8,8,3)", "add randomzoom height_factor=0.1 interpolation=lanczos3"),
    ("(8,8,3)", "add randomzoom height_factor=0.1 fill_mode=WRAP"),
    ("(8,8,3)", "add randomzoom height_factor=0.1 fill_mode=mirror"),
    ("(8,8,3)", "add randomtranslation height_factor=0.1 width_factor=0.1 interpolation=bilinear fill_mode=reflect"),
    ("(8,8,3)", "add randomtranslation height_factor=0.1 width_factor=0.1 interpolation=area"),
    ("(8,8,3)", "add randomtranslation height_factor=0.1 width_factor=0.1 fill_mode=CONSTANT"),
    ("(8,8,3)", "add randomtranslation height_factor=0.1 width_factor=0.1 fill_mode='none'"),
    # Choices in upper case: a convolution lower-cases padding and data_format, a pooling its
    # data_format but not its padding; Bidirectional, CategoryEncoding and the adaptive poolings
    # compare as written (keras_choice_case.py sweeps every one).
    ("(8,8,3)", "add conv2d filters=2 kernel_size=3 padding=SAME data_format=CHANNELS_LAST"),
    ("(10,4)", "add conv1d filters=2 kernel_size=3 padding=Causal"),
    ("(8,8,3)", "add conv2dtranspose filters=2 kernel_size=3 padding=Same"),
    ("(8,8,3)", "add maxpooling2d padding=SAME"),
    ("(8,8,3)", "add averagepooling2d data_format=Channels_Last"),
    ("(8,8,3)", "add adaptiveaveragepooling2d output_size=2 data_format=CHANNELS_LAST"),
    ("(10,4)", "add bidirectional lstm units=3 merge_mode=SUM"),
    ("(10,)", "add categoryencoding num_tokens=5 output_mode=ONE_HOT"),
    ("(8,8,3)", "add randomflip mode=HORIZONTAL"),
    ("(8,8,3)", "add upsampling2d data_format=CHANNELS_FIRST"),
    # Normalization with a mean and a variance per feature (as keras.applications'
    # EfficientNetV2 gives them): no weights; a list must fit the last kept axes (each size or
    # 1), have mean's shape, and at most one axis per kept axis.
    ("(224,224,3)", "add normalization axis=3 mean=(0.485,0.456,0.406) variance=(0.052441,0.050176,0.050625)"),
    ("(224,224,3)", "add normalization axis=-1 mean=(0.5,) variance=(2,)"),
    ("(10,6)", "add normalization mean=(1,2,3,4,5,6) variance=(1,1,1,1,1,1)"),
    ("(10,6)", "add normalization axis=(1,2) mean=(1,2,3,4,5,6) variance=(1,1,1,1,1,1)"),
    ("(10,6)", "add normalization axis=(1,2) mean=((1,2,3,4,5,6),) variance=((1,1,1,1,1,1),)"),
    ("(4,6)", "add normalization axis=(1,2) mean=((1,2,3,4,5,6),(1,2,3,4,5,6),(1,2,3,4,5,6),(1,2,3,4,5,6)) variance=((1,2,3,4,5,6),(1,2,3,4,5,6),(1,2,3,4,5,6),(1,2,3,4,5,6))"),
    ("(4,6,2)", "add normalization axis=(3,1) mean=((1,2),(1,2),(1,2),(1,2)) variance=((1,2),(1,2),(1,2),(1,2))"),
    ("(10,6)", "add normalization mean=(1,2,3) variance=(1,1,1)"),
    ("(10,6)", "add normalization mean=(1,2,3,4,5,6) variance=1"),
    ("(10,6)", "add normalization mean=(1,2,3,4,5,6) variance=(1,1,1,1,1)"),
    ("(10,6)", "add normalization axis=None mean=(1,2,3,4,5,6) variance=(1,1,1,1,1,1)"),
    ("(10,6)", "add normalization axis=None mean=0.5 variance=2"),
    ("(10,6)", "add normalization mean=((1,2,3,4,5,6),) variance=((1,1,1,1,1,1),)"),
    ("(10,6)", "add normalization mean=() variance=()"),
    ("(10,6)", "add normalization mean=(1,2,3,4,5,6)"),
    ("(10,6)", "add normalization mean=((1,2),(3,)) variance=((1,2),(3,))"),
    ("(None,6)", "add normalization axis=1 mean=(1,2,3,4,5,6) variance=(1,1,1,1,1,1)"),
    ("(10,6)", "add normalization mean=(1,2,3,4,5,6) variance=(1,1,1,1,1,1) invert=true"),
    # quantization_config: Dense, EinsumDense, Embedding and ReversibleEmbedding take it; alone it
    # changes no weight (the dtype policy quantizes). Convolutions do not take it.
    ("(10,6)", "add dense units=4 quantization_config=None"),
    ("(10,6)", "add dense units=4 quantization_config='int8'"),
    ("(10,6)", "add einsumdense equation=ab,bc->ac output_shape=4 quantization_config=None"),
    ("(10,)", "add embedding input_dim=20 output_dim=4 quantization_config=None"),
    ("(10,)", "add reversibleembedding input_dim=20 output_dim=4 quantization_config=None"),
    ("(8,8,3)", "add conv2d filters=2 kernel_size=3 quantization_config=None"),
    # Attention and AdditiveAttention take a list (query, value[, key]): one tensor is refused;
    # return_attention_scores is an argument of the call, not of the layer.
    ("(4,8)", "add attention"),
    ("(4,8)", "add attention use_scale=true score_mode=concat"),
    ("(4,8)", "add additiveattention"),
    ("(4,8)", "add attention score_mode=general"),
    ("(4,8)", "add attention return_attention_scores=true"),
    ("(4,8)", "add additiveattention score_mode=dot"),
    ("(4,8)", "add multiheadattention num_heads=2 key_dim=4 return_attention_scores=true"),
]

# Bidirectional with backward_layer (the oracle reads no nested layer): built here, the row made
# as the oracle makes it.
BACKWARD = [
    ("(10,4)", "add bidirectional lstm units=8 backward_layer='gru units=4 go_backwards=true'"),
    ("(10,4)", "add bidirectional lstm units=8 merge_mode=sum backward_layer='lstm units=8 go_backwards=true'"),
    ("(10,4)", "add bidirectional gru units=6 return_sequences=true backward_layer='simplernn units=3 go_backwards=true return_sequences=true'"),
    ("(10,4)", "add bidirectional lstm units=8 go_backwards=true backward_layer='gru units=4'"),
    ("(10,4)", "add bidirectional lstm units=8 backward_layer='gru units=4'"),
    ("(10,4)", "add bidirectional lstm units=8 return_sequences=true backward_layer='gru units=4 go_backwards=true'"),
    ("(10,4)", "add bidirectional lstm units=8 backward_layer='dense units=4'"),
    ("(10,4)", "add bidirectional lstm units=8 backward_layer='gru units=4 go_backwards=true trainable=false'"),
    # The line the return_sequences hint gives, and the backward layer alone returning sequences.
    ("(10,16)", "add bidirectional lstm units=8 return_sequences=true backward_layer='lstm units=8 go_backwards=true return_sequences=true'"),
    ("(10,16)", "add bidirectional lstm units=8 backward_layer='lstm units=8 go_backwards=true return_sequences=true'"),
]


def backward_case(inp, add):
    import shlex
    import numpy as np
    from keras_run import value, dims, weights
    toks = shlex.split(add)[2:]
    kind, args = toks[0], dict(t.split("=", 1) for t in toks[1:])
    back = args.pop("backward_layer").split()
    mm = {"merge_mode": args.pop("merge_mode")} if "merge_mode" in args else {}
    L = keras.layers
    classes = {n.lower(): getattr(L, n) for n in dir(L) if isinstance(getattr(L, n), type)}
    try:
        fwd = classes[kind](**{k: value(v) for k, v in args.items()})
        bwd = classes[back[0]](**{k: value(v) for k, v in (t.split("=", 1) for t in back[1:])})
        layer = L.Bidirectional(fwd, backward_layer=bwd, **mm)
        y = layer(keras.Input(shape=dims(inp)))
    except Exception as e:
        return {"input": inp, "add": add, "layer": None,
                "rejected": f"{type(e).__name__}: {e}".splitlines()[0][:300]}
    t = int(sum(np.prod(w.shape) for w in layer.trainable_weights))
    nt = int(sum(np.prod(w.shape) for w in layer.non_trainable_weights))
    row = {"type": f"Bidirectional({type(fwd).__name__})", "params": layer.count_params(),
           "trainable": t, "non_trainable": nt,
           "output_shape": [None if d is None else int(d) for d in y.shape], "weights": weights(layer)}
    return {"input": inp, "add": add, "layer": row, "rejected": None}


# Wrappers around wrappers (the oracle reads one): `add timedistributed bidirectional lstm ...`,
# each wrapper's own argument (merge_mode, power_iterations) given to it, the rest to the layer.
NESTED = [
    ("(5,10,4)", "add timedistributed bidirectional lstm units=8"),
    ("(5,10,4)", "add timedistributed bidirectional gru units=6 merge_mode=sum return_sequences=true"),
    ("(3,5,10,4)", "add timedistributed timedistributed dense units=3"),
    ("(3,5,10,4)", "add timedistributed timedistributed conv1d filters=2 kernel_size=3"),
    ("(5,10,4)", "add timedistributed spectralnormalization dense units=3"),
    ("(5,8,8,3)", "add timedistributed spectralnormalization conv2d filters=2 kernel_size=3 power_iterations=2"),
    ("(5,10,4)", "add bidirectional timedistributed lstm units=3"),
    ("(5,10,4)", "add spectralnormalization timedistributed dense units=3"),
    ("(5,10,4)", "add timedistributed timedistributed dense units=3"),
]
OWN = {"bidirectional": ["merge_mode"], "spectralnormalization": ["power_iterations"],
       "timedistributed": []}


def nested_case(inp, add):
    import numpy as np
    from keras_run import value, dims, weights
    toks = add.split()[1:]
    chain = [t for t in toks if "=" not in t]
    args = {k: value(v) for k, v in (t.split("=", 1) for t in toks if "=" in t)}
    L = keras.layers
    classes = {n.lower(): getattr(L, n) for n in dir(L) if isinstance(getattr(L, n), type)}
    try:
        own = {w: {k: args.pop(k) for k in OWN[w] if k in args} for w in chain[:-1]}
        layer = classes[chain[-1]](**args)
        for w in reversed(chain[:-1]):
            layer = classes[w](layer, **own[w])
        y = layer(keras.Input(shape=dims(inp)))
    except Exception as e:
        return {"input": inp, "add": add, "layer": None,
                "rejected": f"{type(e).__name__}: {e}".splitlines()[0][:300]}
    name, inner = type(layer).__name__, layer
    while hasattr(inner, "layer") or hasattr(inner, "forward_layer"):
        inner = inner.layer if hasattr(inner, "layer") else inner.forward_layer
        name += f"({type(inner).__name__}"
    name += ")" * name.count("(")
    t = int(sum(np.prod(w.shape) for w in layer.trainable_weights))
    nt = int(sum(np.prod(w.shape) for w in layer.non_trainable_weights))
    row = {"type": name, "params": layer.count_params(), "trainable": t, "non_trainable": nt,
           "output_shape": [None if d is None else int(d) for d in y.shape], "weights": weights(layer)}
    return {"input": inp, "add": add, "layer": row, "rejected": None}


# RNN around cells and Pipeline around layers, written in quotes (the oracle reads neither):
# built by scripts/keras_quoted_layers.py, the row made as the oracle makes it.
QUOTED = [
    ("(10,4)", 'add rnn cell="lstmcell units=8"'),
    ("(10,4)", 'add rnn cell="LSTMCell units=8" return_sequences=true'),
    ("(None,25)", 'add rnn cell="grucell units=8 reset_after=false"'),
    ("(10,4)", 'add rnn cell="gru units=8"'),
    ("(10,4)", 'add rnn cell="simplernncell units=5 use_bias=false"'),
    ("(10,4)", 'add rnn cell="lstmcell units=8; grucell units=4"'),
    ("(10,4)", 'add rnn cell="lstmcell units=8; gru units=4 reset_after=false; simple_rnn_cell units=3" return_sequences=true'),
    ("(10,4)", 'add rnn cell="lstmcell units=8 trainable=false; grucell units=3"'),
    ("(10,4)", 'add rnn cell="lstmcell units=8" trainable=false'),
    ("(10,4,5)", 'add rnn cell="simplernncell units=8"'),
    ("(10,4,5)", 'add rnn cell="simplernncell units=8" return_sequences=true'),
    ("(None,4)", 'add rnn cell="lstmcell units=8" unroll=true go_backwards=true zero_output_for_mask=true'),
    ("(10,4)", 'add rnn cell="lstmcell units=8 dropout=0.2 recurrent_dropout=0.1 recurrent_activation=relu unit_forget_bias=false implementation=1"'),
    ("(10,4)", 'add rnn cell="grucell units=8 seed=3 name=step dtype=float32; simplernncell units=2 activation=relu"'),
    ("(10,4)", 'add rnn cell="lstmcell units=8" go_backwards=true'),
    ("(10,)", 'add rnn cell="lstmcell units=8"'),
    ("(10,None)", 'add rnn cell="lstmcell units=8"'),
    ("(10,4)", 'add rnn cell="lstmcell units=0"'),
    ("(10,4)", 'add rnn cell="lstmcell units=8 use_cudnn=false"'),
    ("(10,4)", 'add rnn cell="grucell units=8 return_sequences=true"'),
    ("(10,4)", 'add rnn cell="simplernncell units=8 go_backwards=true"'),
    ("(10,4)", 'add rnn cell="lstmcell units=8" stateful=true'),
    ("(10,4)", 'add rnn cell="lstmcell units=8" return_state=true'),
    ("(10,4)", 'add rnn cell="dense units=8"'),
    ("(10,4)", 'add bidirectional rnn cell="lstmcell units=8"'),
    ("(10,4)", 'add bidirectional rnn cell="lstmcell units=8; grucell units=3" merge_mode=sum return_sequences=true'),
    ("(10,4)", "add bidirectional rnn cell=\"grucell units=3\" backward_layer=\"rnn cell='lstmcell units=2' go_backwards=true\""),
    ("(10,4)", "add bidirectional lstm units=3 backward_layer=\"rnn cell='gru units=3' go_backwards=true\""),
    ("(5,10,4)", 'add timedistributed rnn cell="lstmcell units=4"'),
    ("(10,10,3)", 'add pipeline layers="rescaling scale=0.5; centercrop height=8 width=8"'),
    ("(10,10,3)", 'add pipeline layers="rescaling scale=0.5; conv2d filters=4 kernel_size=3"'),
    ("(10,)", 'add pipeline layers="dense units=4; batchnormalization"'),
    ("(10,)", 'add pipeline layers="dense units=4; batchnormalization" trainable=false'),
    ("(10,4)", 'add pipeline layers="bidirectional lstm units=3; dense units=2 trainable=false"'),
    ("(10,4)", "add pipeline layers=\"rnn cell='lstmcell units=4; grucell units=2'\""),
    ("(10,4)", "add pipeline layers=\"pipeline layers='dense units=2'; dense units=3\""),
    ("(10,10,3)", 'add pipeline layers="randomflip; randomrotation factor=0.2; randomzoom height_factor=0.2"'),
    ("(10,)", 'add pipeline layers="dense units=4" name=prep'),
    ("(10,)", 'add pipeline layers=""'),
    ("(10,)", 'add pipeline layers="dense units=4" dtype=float32'),
    ("(10,)", 'add pipeline layers="centercrop height=2 width=2"'),
    ("(10,)", 'add pipeline layers="dense units=4; conv1d filters=2 kernel_size=3"'),
    # Models used as layers: a keras.Sequential or keras.Model built from the script in quotes.
    ("(8,)", 'add sequential script="input (8,); add dense units=8 activation=relu"'),
    ("(10,)", 'add sequential script="input (10,); add dense units=6; add batchnormalization" trainable=false'),
    ("(6,)", "add sequential script=\"input (6,); add sequential script='input (6,); add dense units=4'; add dense units=3\""),
    ("(5,8)", 'add sequential script="input (None,8); add lstm units=4"'),
    ("(10,10,3)", 'add sequential script="input (None,None,3); add conv2d filters=4 kernel_size=3; add globalaveragepooling2d"'),
    ("(5,3)", 'add functional script="input a (None,3); add dense units=4 as h from a; add dense units=2 from h"'),
    ("(16,)", 'add functional script="input e (16,); add dense units=8 as h from e; add batchnormalization from h; add dense units=4"'),
    ("(4,)", 'add functional script="input a (4,); add dense units=4 as h from a; reuse 2 from h"'),
    ("(4,)", 'add functional script="input a (4,); add dense units=4 as h from a; add dense units=4 as g from a; add add from h,g"'),
    ("(4,)", 'add functional script="input a (4,); add dense units=3 from a" trainable=false'),
    # Keras refuses a tensor that does not fit the model's input.
    ("(9,)", 'add sequential script="input (8,); add dense units=2"'),
    ("(3,8)", 'add sequential script="input (8,); add dense units=2"'),
    ("(5,4)", 'add functional script="input a (None,3); add dense units=2 from a"'),
    # ... but not another size on an axis a last axis of 1 left out (its layers read the
    # tensor with their weights), and a last axis of 1 squeezed or added.
    ("(8,8,3)", 'add sequential script="input (None,None,1); add conv2d filters=2 kernel_size=3"'),
    ("(8,1)", 'add sequential script="input (8,); add dense units=2"'),
    ("(8,)", 'add sequential script="input (8,1); add conv1d filters=2 kernel_size=3"'),
    # Ranks differing by an axis other than a last one of 1: the symbolic call takes it, the
    # model refuses it when it runs (`_adjust_input_rank`), and so does paramcalc.
    ("(8,2)", 'add functional script="input a (8,); add dense units=2 from a"'),
]

# Operations on tensors and the applications' own layers (CustomScaleLayer, LayerScale), which
# the oracle does not read: built by scripts/keras_operations.py, the row made as the oracle
# makes it. Two operands are the input twice (`from input,input`); broadcasting between two
# shapes is in keras_graph_cases.py.
OPERATIONS = [
    ("(4,8)", "add operation op=multiply from input,input"),
    ("(4,8)", "add operation op=add from input,input"),
    ("(None,1,1,16)", "add operation op=add constant=3.0"),
    ("(1,1,16)", "add operation op=multiply constant=0.16666666666666666"),
    ("(4,8)", "add operation op=subtract constant=1"),
    ("(4,8)", "add operation op=true_divide constant=2.0"),
    ("(4,8)", "add operation op=divide from input,input"),
    ("(4,8)", "add operation op=power constant=2"),
    ("(4,8)", "add operation op=maximum constant=0.0"),
    ("(4,8)", "add operation op=minimum from input,input"),
    ("(4,8)", "add operation op=negative"),
    ("(4,8)", "add operation op=abs"),
    ("(4,8)", "add operation op=square"),
    ("(4,8)", "add operation op=sqrt"),
    ("(4,8)", "add operation op=exp"),
    ("(4,8)", "add operation op=tanh"),
    ("(4,8)", "add operation op=relu"),
    ("(7,3)", "add operation op=relu6"),
    ("(4,8)", "add operation op=sigmoid"),
    ("(4,8)", "add operation op=hard_sigmoid"),
    ("(4,8)", "add operation op=hard_silu"),
    ("(4,8)", "add operation op=silu"),
    ("(4,8)", "add operation op=softplus"),
    # Refused: a second operand missing, one too many, an operation keras.ops does not have.
    ("(4,8)", "add operation op=multiply"),
    ("(4,8)", "add operation op=negative constant=2"),
    ("(4,8)", "add operation op=add from input,input,input"),
    ("(4,8)", "add operation op=mutliply from input,input"),
    ("(4,8)", "add operation"),
    ("(35,35,320)", "add customscalelayer scale=0.17 from input,input"),
    ("(4,8)", "add customscalelayer scale=1 from input,input,input"),
    ("(4,8)", "add customscalelayer from input,input"),
    ("(56,56,96)", "add layerscale init_values=1e-6 projection_dim=96"),
    ("(5,1)", "add layerscale init_values=0.1 projection_dim=8"),
    ("(None,8)", "add layerscale init_values=0.1 projection_dim=8"),
    ("(8,)", "add layerscale init_values=0.1 projection_dim=8 trainable=false"),
    ("(5,3)", "add layerscale init_values=0.1 projection_dim=8"),
    ("(None,)", "add layerscale init_values=0.1 projection_dim=8"),
    ("(5,8)", "add layerscale projection_dim=8"),
    ("(5,8)", "add layerscale init_values=0.1"),
]

import keras  # noqa: E402
from keras_quoted_layers import case as quoted_case  # noqa: E402
from keras_operations import case as operation_case  # noqa: E402

out = []
for inp, add in CASES:
    k = run(f"input {inp}\n{add}\n")
    assert not k.get("oracle_errors"), (add, k.get("oracle_errors"))
    rejected = k["rejected_reasons"].get("2") or k["rejected_reasons"].get(2)
    out.append({"input": inp, "add": add, "layer": k["layers"][0] if k["layers"] else None,
                "rejected": rejected})
out += [backward_case(inp, add) for inp, add in BACKWARD]
out += [nested_case(inp, add) for inp, add in NESTED]
out += [quoted_case(inp, add) for inp, add in QUOTED]
out += [operation_case(inp, add) for inp, add in OPERATIONS]
target = pathlib.Path(__file__).resolve().parent.parent / "Tests/ParamCalcEndToEndTests/Fixtures/keras-exactness.jsonl"
target.write_text("".join(json.dumps(c) + "\n" for c in out))
print(f"{len(out)} cases, {sum(c['rejected'] is not None for c in out)} refused by Keras", file=sys.stderr)
