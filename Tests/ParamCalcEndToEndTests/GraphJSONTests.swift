import Foundation
import Testing

/// `--json` on a graph: each layer's Keras name, what it reads by name, the layer a call repeats;
/// the summary in Keras's model.layers order. (Counts of graphs against Keras: keras-graph.jsonl.)
@Suite("Graphs in --json")
struct GraphJSONTests {
  static let siamese = """
    input left (28,28,1)
    input right (28,28,1)
    add conv2d filters=8 kernel_size=3 from left
    add flatten
    add dense units=16 as embed_left
    reuse 3 from right
    reuse 4
    reuse 5 as embed_right
    add subtract from embed_left,embed_right
    add dense units=1
    summary

    """

  @Test func summaryNamesEachLayerAndWhatItReads() throws {
    let r = try Binary.run(["--json"], stdin: Self.siamese)
    #expect(r.status == 0 && r.stderr == "")
    let last = try #require(r.stdout.split(separator: "\n").last)
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    let layers = try #require(summary["layers"] as? [[String: Any]])
    #expect(
      layers.compactMap { $0["name"] as? String } == [
        "left", "right", "conv2d", "flatten", "embed_left", "conv2d", "flatten", "embed_left",
        "subtract", "dense",
      ])
    #expect(
      layers.map { ($0["connected_to"] as? [String]) ?? ["?"] } == [
        [], [], ["left"], ["conv2d"], ["flatten"], ["right"], ["conv2d (again)"],
        ["flatten (again)"], ["embed_left", "embed_right"], ["subtract"],
      ])
    #expect(layers.map { $0["reuses"] as? Int } == [nil, nil, nil, nil, nil, 3, 4, 5, nil, nil])
    #expect(layers[7]["output_name"] as? String == "embed_right")
    #expect(layers[8]["inputs"] as? [String] == ["embed_left", "embed_right"])
    // A call again has no weights of its own; the total counts the shared ones once.
    #expect(layers[5]["params"] as? Int == 0 && (layers[5]["weights"] as? [Any])?.isEmpty == true)
    #expect(summary["total"] as? Int == layers.compactMap { $0["params"] as? Int }.reduce(0, +))
    // Each layer object names itself once (a repeated key would hide one of the two).
    for object in last.components(separatedBy: "{\"index\":").dropFirst() {
      let head = object.components(separatedBy: "\"weights\"")[0]
      #expect(head.components(separatedBy: "\"name\":").count <= 2, "\(head)")
    }
  }
}
