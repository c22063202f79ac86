import Testing

@testable import ParamCalcCore

/// `data_format=channels_first`: the same weights as channels_last, the channels read from the
/// first axis after the batch (after the time axis for ConvLSTM), and the output's channels put
/// there. (Keras's own numbers for each family are in keras-exactness.jsonl.)
@Suite("Channels first")
struct ChannelsFirstTests {
  /// The count and output of the last layer after `input` and one `add` (Helpers' `layer`).
  func counted(_ input: String, _ add: String) throws -> (params: Int, output: [Int?]) {
    let l = try layer(input, add)
    return (l.inference.params, l.inference.output.dims)
  }

  @Test func conv2dOnChannelsFirstImages() throws {
    // (3 * 3 * 3 + 1) * 16 weights; 32 - 3 + 1 = 30 on each spatial axis.
    let l = try counted(
      "(3,32,32)", "add conv2d filters=16 kernel_size=3 data_format=channels_first")
    #expect(l.params == (3 * 3 * 3 + 1) * 16)
    #expect(l.output == [16, 30, 30])
  }

  @Test func poolingKeepsTheChannelsFirst() throws {
    let pooled = try counted("(8,10,6)", "add maxpooling2d pool_size=2 data_format=channels_first")
    #expect(pooled.output == [8, 5, 3])
    let global = try counted(
      "(8,10,6)", "add globalaveragepooling2d data_format=channels_first keepdims=true")
    #expect(global.output == [8, 1, 1])
    let flat = try counted("(8,10,6)", "add globalmaxpooling2d data_format=channels_first")
    #expect(flat.output == [8])
  }

  @Test func reshapingLayersMoveTheSpatialAxesOnly() throws {
    let up = try counted("(4,5,6)", "add upsampling2d size=2 data_format=channels_first")
    #expect(up.output == [4, 10, 12])
    let padded = try counted("(4,5,6)", "add zeropadding2d padding=1 data_format=channels_first")
    #expect(padded.output == [4, 7, 8])
    let cropped = try counted(
      "(4,5,6,7)", "add cropping3d cropping=1 data_format=channels_first")
    #expect(cropped.output == [4, 3, 4, 5])
  }

  @Test func convLSTMReadsChannelsAfterTheTimeAxis() throws {
    // 4 blocks × (3 × 3 × (3 + 4) + 1) × 4 filters; 16 - 3 + 1 = 14.
    let all = try counted(
      "(5,3,16,16)",
      "add convlstm2d filters=4 kernel_size=3 data_format=channels_first return_sequences=true")
    #expect(all.params == 4 * (3 * 3 * (3 + 4) + 1) * 4)
    #expect(all.output == [5, 4, 14, 14])
    let last = try counted(
      "(5,3,16,16)", "add convlstm2d filters=4 kernel_size=3 data_format=channels_first")
    #expect(last.output == [4, 14, 14])
  }

  /// Every type that takes data_format: its example on the same input with the channels moved
  /// first gives the same count, and the output with its channels moved first.
  @Test func everyTypeWithDataFormatAgreesWithChannelsLast() throws {
    var checked = 0
    for d in LayerCatalog.standard.descriptors where d.argument("data_format") != nil {
      let e = try #require(LayerExample.of(d))
      let last = try counted(e.input, e.add)
      var dims = e.input.dropFirst().dropLast().split(separator: ",").map { String($0) }
      let axis = d.family == "ConvRecurrent" ? 1 : 0
      dims.insert(dims.removeLast(), at: axis)
      let first = try counted(
        "(" + dims.joined(separator: ",") + ")", e.add + " data_format=channels_first")
      #expect(first.params == last.params, "\(d.name)")
      // The channels go back where they were, less the axes the layer removed before them.
      var want = last.output
      let c = want.removeLast()
      want.insert(c, at: max(0, axis - (dims.count - last.output.count)))
      #expect(first.output == want, "\(d.name): \(dims) -> \(first.output)")
      checked += 1
    }
    #expect(checked >= 30, "\(checked) types")
  }

  @Test func theExplanationSaysWhereTheChannelsAre() throws {
    let s = try model(
      "input (3,32,32)", "add conv2d filters=16 kernel_size=3 data_format=channels_first")
    let l = try #require(s.layers.last)
    let e = l.explanation
    let channels = try #require(e.terms.first { $0.name == "input_channels" })
    #expect(channels.value == 3)
    #expect(channels.meaning.contains("channels_first"))
    #expect(!channels.meaning.contains("last axis"))
    #expect(e.shapeRule.hasPrefix("channels_first: (None, 3, 32, 32) -> (None, 16, 30, 30)\n"))
  }

  @Test func aRefusalSaysHowTheInputWasRead() {
    expectRefusal(
      after: ["input (16,4,4)"], "add conv2d filters=2 kernel_size=5 data_format=channels_first",
      .refused,
      "(input shape (None, 4, 4, 16)) (data_format=channels_first: that is the input with its channels moved last)"
    )
  }
}
