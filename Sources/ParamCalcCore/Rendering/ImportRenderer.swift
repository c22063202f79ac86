/// What `import` prints: the model read, and each of its layers under its name in the file.
extension TextRenderer {
  /// `import`: the model read, then each layer with its name in the file:
  /// `  imported 'vgg16' (Functional) from VGG16.json: 22 layers   total 138,357,544` and
  /// `    #1 block1_conv1  Conv2D  out (None, 224, 224, 64)   1,792 params`.
  func imported(_ m: ImportedModel, _ s: Session, into out: inout [UInt8]) {
    out.append(text: "  imported '\(m.name)' (\(m.className)) from \(m.path): " + layers(s.count))
    out.append(ascii: "   ")
    total(s, into: &out)
    out.append(UInt8(ascii: "\n"))
    for (i, l) in s.layers.enumerated() {
      out.append(ascii: "    #")
      out.append(decimal: i + 1, grouped: false)
      out.append(UInt8(ascii: " "))
      if i < m.layerNames.count { out.append(text: m.layerNames[i] + "  ") }
      type(l.typeName, into: &out)
      out.append(ascii: "  out ")
      out.append(shape: l.output)
      out.append(ascii: "   ")
      counts(l, into: &out)
      out.append(UInt8(ascii: "\n"))
    }
  }
}
