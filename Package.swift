// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "paramcalc",
  products: [
    .executable(name: "paramcalc", targets: ["paramcalc"]),
    .library(name: "ParamCalcCore", targets: ["ParamCalcCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .target(name: "ParamCalcCore"),
    .systemLibrary(
      name: "CEditLine",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"]), .brew(["libedit"])]
    ),
    .target(name: "CEditLineShim", dependencies: ["CEditLine"]),
    .executableTarget(
      name: "paramcalc",
      dependencies: [
        "ParamCalcCore", "CEditLineShim", "CEditLine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "ParamCalcCoreTests", dependencies: ["ParamCalcCore"]),
    .testTarget(
      name: "ParamCalcEndToEndTests",
      dependencies: ["ParamCalcCore", "paramcalc"],
      resources: [.copy("Fixtures")]
    ),
  ],
  swiftLanguageModes: [.v6]
)
