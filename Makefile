# paramcalc: `make run` and `make test` are all the set-up a fresh machine needs.
PREFIX ?= /usr/local
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build test test-release install deps clean format bench fuzz fuzz-build docs

UNAME := $(shell uname -s)

# libedit-dev provides libedit.pc, editline/readline.h and histedit.h. macOS has libedit (and
# its headers, with the Xcode tools) already: nothing to install there.
deps:
ifeq ($(UNAME),Linux)
	@pkg-config --exists libedit 2>/dev/null || { \
	  echo "installing libedit-dev"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libedit-dev pkg-config; }
else
	@true
endif

# Flags of the installed binary (override RELEASE_FLAGS= to build without them):
# - It runs a single thread (it starts none; libedit neither), so its reference counts need no
#   atomic instructions: -assume-single-threaded makes them plain ones, about 15% of the time of
#   a long script. Debug builds and `make test` do not use it; `make test-release` tests this binary.
# - It loads no library of its own, so it needs no $ORIGIN search path.
# - It is linked position-dependent (-no-pie, as Go links its Linux binaries by default): the
#   37,000 relative relocations of a position-independent Swift binary are then not applied at
#   every start, 0.4 ms of its 2.4 ms. The cost: the binary's own code is not at a randomized
#   address (libraries, stack and heap still are).
# --static-swift-stdlib and -no-pie are Linux-only: macOS ships the Swift runtime and requires
# position-independent executables.
ifeq ($(UNAME),Linux)
RELEASE_FLAGS ?= -Xswiftc -Xfrontend -Xswiftc -assume-single-threaded --disable-local-rpath \
  -Xswiftc -Xclang-linker -Xswiftc -no-pie
STATIC_FLAGS := --static-swift-stdlib
else
RELEASE_FLAGS ?= -Xswiftc -Xfrontend -Xswiftc -assume-single-threaded --disable-local-rpath
STATIC_FLAGS :=
endif

build: deps
	$(SWIFT) build -c release $(STATIC_FLAGS) $(RELEASE_FLAGS)

run: build
	@.build/release/paramcalc

test: deps
	$(SWIFT) build
	$(SWIFT) test

# The end-to-end tests (corpus, transcripts, processes, terminal) on the release binary.
test-release: build
	PARAMCALC_BINARY=$(CURDIR)/.build/release/paramcalc $(SWIFT) test --filter ParamCalcEndToEndTests

# docs/formulas.md, made from the layer catalog (a test fails when it is stale).
docs: deps
	PARAMCALC_WRITE_DOCS=1 $(SWIFT) test --filter DocsTests

# Speed and memory at scale, start-up, and (with KERAS_PYTHON=...) the same question asked of Keras.
bench: build
	python3 scripts/bench.py

# 1,000,000 hostile lines through the parser and the session; every layer type x argument x
# 22 extreme values on 13 inputs, also through set and insert (3.0M cases); then libFuzzer on the
# parser (FUZZ_SECONDS of it; the toolchain ships the fuzzer runtime).
# libFuzzer ships with the Linux toolchain only; elsewhere `make fuzz` runs the line fuzzer alone.
FUZZ_SECONDS ?= 120
fuzz: deps
	PARAMCALC_FUZZ_LINES=1000000 $(SWIFT) test --filter RobustnessTests
	PARAMCALC_FUZZ_EXTREME=1 $(SWIFT) test --filter ExtremeValueTests
ifeq ($(UNAME),Linux)
	$(MAKE) fuzz-build
	mkdir -p .build/fuzz-corpus && cp examples/*.pc .build/fuzz-corpus/
	.build/fuzz-parser -max_total_time=$(FUZZ_SECONDS) -max_len=4096 .build/fuzz-corpus
endif

# The libFuzzer target alone (CI compiles it, so that it cannot rot).
fuzz-build:
	mkdir -p .build
	swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ParamCalcCore \
	  $$(find Sources/ParamCalcCore -name '*.swift') Fuzz/ParserFuzzer.swift -o .build/fuzz-parser

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 .build/release/paramcalc $(DESTDIR)$(PREFIX)/bin/paramcalc

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
