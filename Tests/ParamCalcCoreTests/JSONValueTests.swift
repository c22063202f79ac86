import Testing

@testable import ParamCalcCore

@Suite("JSON reader")
struct JSONValueTests {
  func error(_ text: String) -> JSONError? {
    do throws(JSONError) {
      _ = try JSONValue.parse(text)
      return nil
    } catch {
      return error
    }
  }

  @Test func values() throws {
    #expect(try JSONValue.parse("null") == .null)
    #expect(try JSONValue.parse(" true ") == .bool(true))
    #expect(try JSONValue.parse("false") == .bool(false))
    #expect(try JSONValue.parse("-12") == .int(-12))
    #expect(try JSONValue.parse("0") == .int(0))
    #expect(try JSONValue.parse("1.5") == .double(1.5))
    #expect(try JSONValue.parse("1e-05") == .double(0.00001))
    #expect(try JSONValue.parse("2E3") == .double(2000))
    #expect(try JSONValue.parse("\"relu\"") == .string("relu"))
    #expect(
      try JSONValue.parse("[1, [null], {}]") == .array([.int(1), .array([.null]), .object([])]))
  }

  /// A number keeps whether it was written as an integer: 6 and 6.0 differ.
  @Test func integersStayIntegers() throws {
    #expect(try JSONValue.parse("6") == .int(6))
    #expect(try JSONValue.parse("6.0") == .double(6))
    #expect(try JSONValue.parse("9223372036854775807") == .int(Int.max))
    #expect(try JSONValue.parse("-9223372036854775808") == .int(Int.min))
    #expect(error("9223372036854775808")?.message == "the integer does not fit in 64 bits")
  }

  /// Python's json.dumps writes NaN and the infinities by default.
  @Test func pythonNumbers() throws {
    #expect(try JSONValue.parse("Infinity") == .double(.infinity))
    #expect(try JSONValue.parse("-Infinity") == .double(-.infinity))
    guard case .double(let d) = try JSONValue.parse("NaN") else {
      Issue.record("NaN is not a number")
      return
    }
    #expect(d.isNaN)
  }

  /// Objects keep the order of their keys (and a key written twice: `subscript` finds the first).
  @Test func objectsKeepOrder() throws {
    let v = try JSONValue.parse(#"{"b": 1, "a": 2, "c": {"z": 0, "y": 1}, "b": 3}"#)
    #expect(v.members?.map(\.key) == ["b", "a", "c", "b"])
    #expect(v["b"] == .int(1))
    #expect(v["c"]?.members?.map(\.key) == ["z", "y"])
    #expect(v["missing"] == nil)
  }

  @Test func strings() throws {
    #expect(try JSONValue.parse(#""a\"b\\c\/d\n\t""#) == .string("a\"b\\c/d\n\t"))
    #expect(try JSONValue.parse(#""\u00e9\u4e2d""#) == .string("é中"))
    #expect(try JSONValue.parse(#""\ud83d\ude00""#) == .string("😀"))
    #expect(try JSONValue.parse("\"déjà\"") == .string("déjà"))
    #expect(error(#""\ud83d""#)?.message == "a lone surrogate \\u escape")
    #expect(error(#""\x""#)?.message == "unknown escape '\\x' in a string")
    #expect(error("\"a\nb\"")?.message == "a control character in a string must be escaped")
  }

  /// Errors say where: byte offset, line and column (counted in characters).
  @Test func errorsSayWhere() throws {
    let e = try #require(error("{\n  \"a\": [1, 2,,]\n}"))
    #expect(e.message == "expected a value, found ','")
    #expect(e.offset == 15 && e.line == 2 && e.column == 14)
    let e2 = try #require(error("{\"é\": tru}"))
    #expect(e2.line == 1 && e2.column == 7 && e2.offset == 7)
    #expect(error("{\"a\" 1}")?.message == "expected ':' after the key \"a\", found '1'")
    #expect(error("[1 2]")?.message == "expected ',' or ']' in a list, found '2'")
    #expect(error("{\"a\": 1")?.message == "unclosed object: expected ',' or '}'")
    #expect(error("\"abc")?.message == "unclosed string")
    #expect(error("")?.message == "expected a value, found the end of the text")
    #expect(error("[] x")?.message == "unexpected text after the JSON value")
    #expect(error("01")?.message == "malformed number: a leading zero")
    #expect(error("1.")?.message == "malformed number: expected a digit after '.'")
    #expect(error("-")?.message == "malformed number: expected a digit")
    #expect(error("{1: 2}")?.message == "expected a key in quotes, found '1'")
    #expect(e.description == "line 2, column 14 (byte 15): expected a value, found ','")
  }

  /// Hostile nesting is refused at a depth, not by a crash of the stack.
  @Test func depthIsCapped() throws {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    let e = try #require(error(deep))
    #expect(e.message == "nested deeper than 512 lists and objects")
    #expect(e.offset == 512)
    let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    #expect(error(ok) == nil)
    let objects =
      String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600)
    #expect(error(objects)?.message == "nested deeper than 512 lists and objects")
  }

  /// Invalid UTF-8 in a string is refused.
  @Test func invalidUTF8() throws {
    let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
    let e = bytes.withUnsafeBufferPointer { b -> JSONError? in
      do throws(JSONError) {
        _ = try JSONValue.parse(bytes: b)
        return nil
      } catch { return error }
    }
    #expect(e?.message == "invalid UTF-8 in a string")
  }
}
