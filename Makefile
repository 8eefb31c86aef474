# Front door for people who type `make`. The real work is in scripts/.
.PHONY: all run check build clean deps

all: build

deps:
	scripts/install-deps.sh run

build: deps
	test -f build/build.ninja || meson setup build
	ninja -C build

run:
	scripts/run.sh

check:
	scripts/check.sh

clean:
	rm -rf build build-check
