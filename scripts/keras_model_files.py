#!/usr/bin/env python3
"""Writes Keras model files, and what Keras counts in them, for the tests of `import`.

- Tests/ParamCalcEndToEndTests/Fixtures/applications/NAME.json: `model.to_json()` of
  `keras.applications.NAME(weights=None)` (default input and 1,000 classes), and
  NAME.expected.json: Keras's counts, the model's and each layer's (one object per entry of
  `model.layers`, in that order: name, type, params, trainable, non_trainable).
  The five models of shared/applications are copied as they are (give their folder as
  $PARAMCALC_APPLICATIONS, default ../shared/applications beside the repository).
- .../Fixtures/models/EXAMPLE.json and .expected.json: each examples/*.pc that Keras builds as a
  `keras.Sequential` model (one whose layers each take one input), as Keras writes it.
- .../Fixtures/models/: small models made here for the other cases: a `.keras` archive saved by
  Keras, the same archive with its members compressed, a model calling a nested Sequential twice,
  a model with a custom (registered) layer, one with a Lambda layer, and a Functional model that
  branches; and models used as layers (`nested_models`): a Functional encoder called twice in a
  Siamese model, a Sequential nested two deep, and a frozen model inside a Sequential.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_model_files.py [--only NAME ...]
"""
import json, os, pathlib, shutil, sys, zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", str(ROOT.parent / "shared" / "oracle")))
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402
from keras_run import CLASSES, SHORT, value, dims  # noqa: E402

FIXTURES = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures"
APPS = FIXTURES / "applications"
MODELS = FIXTURES / "models"
SHARED = pathlib.Path(os.environ.get("PARAMCALC_APPLICATIONS",
                                     str(ROOT.parent / "shared" / "applications")))
# The five models shared/applications holds, copied; then the others made here.
COPIED = ["VGG16", "ResNet50", "MobileNetV2", "DenseNet121", "EfficientNetB0"]
MADE = ["VGG19", "ResNet101", "ResNet50V2", "Xception", "InceptionV3", "MobileNet",
        "MobileNetV3Small", "DenseNet169", "NASNetMobile", "EfficientNetV2B0", "ConvNeXtTiny",
        "MobileNetV3Large", "ResNet152V2", "InceptionResNetV2", "EfficientNetB3", "EfficientNetV2S",
        "ResNet152", "ResNet101V2", "DenseNet201", "NASNetLarge", "EfficientNetB1",
        "EfficientNetB2", "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
        "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3", "EfficientNetV2M",
        "EfficientNetV2L", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge"]


def count(ws):
    return int(sum(int(np.prod(w.shape)) for w in ws))


def expected(model, name):
    rows = [{"name": l.name, "type": type(l).__name__, "params": l.count_params(),
             "trainable": count(l.trainable_weights),
             "non_trainable": count(l.non_trainable_weights)} for l in model.layers]
    return {"model": name, "total": model.count_params(),
            "trainable": count(model.trainable_weights),
            "non_trainable": count(model.non_trainable_weights), "layers": rows}


def write(folder, name, model):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(model.to_json())
    (folder / f"{name}.expected.json").write_text(json.dumps(expected(model, name)) + "\n")


def sequential(text):
    """The Sequential model of a paramcalc script (input and add lines), or why Keras refuses."""
    shape = None
    built = []
    for raw in text.splitlines():
        line = raw.split("#")[0].strip()
        if line.startswith("input "):
            shape = dims(line[6:])
        if not line.startswith("add "):
            continue
        toks = line[4:].split()
        wrapper = None
        if toks[0].lower() in ("bidirectional", "timedistributed"):
            wrapper, toks = toks[0].lower(), toks[1:]
        args = {SHORT.get(k, k): value(v) for k, v in (t.split("=", 1) for t in toks[1:])}
        trainable = args.pop("trainable", True)
        kind = CLASSES[toks[0].lower()]
        if wrapper == "bidirectional":
            mm = {"merge_mode": args.pop("merge_mode")} if "merge_mode" in args else {}
            layer = L.Bidirectional(kind(**args), **mm)
        elif wrapper == "timedistributed":
            layer = L.TimeDistributed(kind(**args))
        else:
            layer = kind(**args)
        layer.trainable = trainable
        built.append(layer)
    first = built[0].__class__.__name__.lower()
    dtype = "int32" if first in ("embedding",) else "float32"
    return keras.Sequential([keras.Input(shape=shape, dtype=dtype)] + built)


@keras.saving.register_keras_serializable(package="MyLayers")
class Scale(L.Layer):
    def build(self, input_shape):
        self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.s


def small_models():
    MODELS.mkdir(parents=True, exist_ok=True)
    small = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(8, 3, activation="relu"),
                              L.MaxPooling2D(2), L.Flatten(), L.Dense(10, activation="softmax")],
                             name="small_cnn")
    write(MODELS, "small-cnn", small)
    archive = MODELS / "small-cnn.keras"
    small.save(archive)
    # The same members, compressed: what Keras does not write, and import refuses.
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(
            MODELS / "compressed.keras", "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    # A Functional model calling one nested Sequential twice.
    inner = keras.Sequential([keras.Input((8,)), L.Dense(8, activation="relu")], name="block")
    x = keras.Input((8,), name="features")
    y = L.Dense(16, name="head")(inner(inner(x)))
    write(MODELS, "nested", keras.Model(x, y, name="twice"))
    # A custom layer (registered in its own package) between two Dense layers.
    x = keras.Input((4,))
    y = L.Dense(3)(Scale(name="scale")(L.Dense(4)(x)))
    write(MODELS, "custom-layer", keras.Model(x, y, name="custom"))
    # A Lambda layer: a Keras class paramcalc leaves out.
    lam = keras.Sequential([keras.Input((4,)), L.Lambda(lambda t: t * 2, output_shape=(4,)),
                            L.Dense(2)], name="with_lambda")
    write(MODELS, "lambda", lam)
    # Two branches added together.
    x = keras.Input((16,), name="x")
    a = L.Dense(8, name="left")(x)
    b = L.Dense(8, name="right")(x)
    write(MODELS, "branches", keras.Model(x, L.Add(name="sum")([a, b]), name="branches"))
    state_models()
    nested_models()


def state_models():
    """Models whose layers read a recurrent layer's states, and models with several outputs."""
    # A seq2seq translator: the decoder starts from the encoder's two states (initial_state).
    enc_in = keras.Input((None, 71), name="encoder_in")
    dec_in = keras.Input((None, 93), name="decoder_in")
    _, h, c = L.LSTM(256, return_state=True, name="encoder")(enc_in)
    seq = L.LSTM(256, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    out = L.Dense(93, activation="softmax", name="next_char")(seq)
    write(MODELS, "seq2seq", keras.Model([enc_in, dec_in], out, name="seq2seq"))
    # Two heads on one trunk, and a GRU's state as a third output.
    x = keras.Input((10, 8), name="steps")
    o, s = L.GRU(16, return_state=True, name="gru")(x)
    label = L.Dense(5, name="label")(o)
    score = L.Dense(1, name="score")(s)
    write(MODELS, "two-heads", keras.Model(x, [label, score, s], name="two_heads"))


def nested_models():
    """Models used as layers, nested at several depths, shared, frozen."""
    MODELS.mkdir(parents=True, exist_ok=True)
    # A Functional encoder called on two inputs (its weights shared), the two codes compared.
    e_in = keras.Input((16,), name="e_in")
    h = L.Dense(8, activation="relu", name="e_dense")(e_in)
    h = L.BatchNormalization(name="e_norm")(h)
    encoder = keras.Model(e_in, L.Dense(4, name="e_code")(h), name="encoder")
    a = keras.Input((16,), name="left")
    b = keras.Input((16,), name="right")
    d = L.Subtract(name="diff")([encoder(a), encoder(b)])
    write(MODELS, "siamese", keras.Model([a, b], L.Dense(1, name="score")(d), name="siamese"))
    # A Sequential inside a Sequential inside a Functional model.
    inner = keras.Sequential([keras.Input((8,)), L.Dense(4, name="deep_dense")], name="deep")
    middle = keras.Sequential([keras.Input((8,)), inner, L.Dense(3, name="mid_dense")],
                              name="middle")
    x = keras.Input((6,), name="x")
    y = L.Dense(2, name="out")(middle(L.Dense(8, name="first")(x)))
    write(MODELS, "nested-deep", keras.Model(x, y, name="two_deep"))
    # A frozen Functional model (`trainable = False`) inside a Sequential model.
    f_in = keras.Input((10,), name="f_in")
    g = L.Dense(6, name="f_dense")(f_in)
    frozen = keras.Model(f_in, L.BatchNormalization(name="f_norm")(g), name="frozen_block")
    frozen.trainable = False
    write(MODELS, "nested-frozen",
          keras.Sequential([keras.Input((10,)), frozen, L.Dense(3, name="head")],
                           name="with_frozen"))


def main(only):
    APPS.mkdir(parents=True, exist_ok=True)
    if not only:
        for name in COPIED:
            for suffix in (".json", ".expected.json"):
                shutil.copyfile(SHARED / f"{name}{suffix}", APPS / f"{name}{suffix}")
        small_models()
        refused = {}
        for path in sorted((ROOT / "examples").glob("*.pc")):
            try:
                model = sequential(path.read_text())
            except Exception as e:  # Keras refuses it as a Sequential model: say which, and why
                refused[path.name] = f"{type(e).__name__}: {e}".splitlines()[0][:200]
                continue
            write(MODELS, path.stem, model)
        (MODELS / "examples-not-sequential.json").write_text(json.dumps(refused, indent=1) + "\n")
    for name in only or MADE:
        keras.backend.clear_session()
        model = getattr(keras.applications, name)(weights=None)
        write(APPS, name, model)
        print(name, model.count_params(), flush=True)


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if not a.startswith("--")])
