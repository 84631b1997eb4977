# Entry points for people and for CI. The build itself is meson's; this file
# only chains the steps a fresh Debian 12 machine needs, so that `make demo`
# and `make check` are all there is to learn.

# Another build folder: make BUILD=somewhere check
BUILD := build

# The app as the demo runs it: settings schema and translations from the build
# tree, since nothing is installed.
DEMO_WORKSPACE := $(abspath $(BUILD))/demo-workspace
DEMO_RUN := GSETTINGS_SCHEMA_DIR=$(abspath $(BUILD))/data \
	CALQUE_LOCALEDIR=$(abspath $(BUILD))/po \
	$(abspath $(BUILD))/client/app/calque --workspace $(DEMO_WORKSPACE)

.DEFAULT_GOAL := build
.PHONY: help deps configure build demo check memcheck bench pot update-po clean

help:
	@echo "make build      install missing packages (as root), configure, compile (default)"
	@echo "make demo       build, make $(BUILD)/demo-workspace from data/samples, open the app on it"
	@echo "make check      build, run every test suite under Xvfb, print 'tests: N passed, N failed'"
	@echo "make memcheck   the shared, client, server, e2e and fuzz suites under valgrind (slow)"
	@echo "make bench      build, run the benchmarks ($(BUILD)/tests/bench/bench-*)"
	@echo "make pot        update po/calque.pot from the sources"
	@echo "make update-po  merge po/calque.pot into every po/*.po"
	@echo "make clean      remove $(BUILD)"

# Only installs as root, and only what build-aux/debian-packages lists;
# anyone else is told the apt-get command.
deps:
	@build-aux/install-deps

# Configure once. Afterwards `meson compile` reconfigures by itself whenever a
# meson.build changes, so an existing build folder is left as it is. A folder
# whose first setup failed has no build.ninja, and is set up again.
configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then meson setup $(BUILD); fi

build: configure
	meson compile -C $(BUILD)

# The workspace is made afresh by the real calque-cli (see the script). With
# no display the app cannot open, so say so and give the command instead.
demo: build
	build-aux/make-demo-workspace $(BUILD) $(DEMO_WORKSPACE)
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo; \
		echo "No display here (DISPLAY and WAYLAND_DISPLAY are empty), so the app cannot open."; \
		echo "The demo workspace is ready. From a graphical session, run:"; \
		echo; \
		echo "  $(DEMO_RUN)"; \
	else \
		echo "$(DEMO_RUN)"; \
		$(DEMO_RUN); \
	fi

# build-aux/run-tests prints the tests line last and fails when a test failed.
check: build
	@build-aux/run-tests $(BUILD)

# Invalid memory accesses and definite leaks fail a test here. The test
# programs run under valgrind (servers they start run plainly); the gui
# suite is left to `make check`.
memcheck: build
	meson test -C $(BUILD) --setup valgrind --suite shared --suite client --suite server --suite e2e --suite fuzz --print-errorlogs

# Benchmarks print figures rather than pass or fail, so they are not tests.
# Those that draw windows get a display from xvfb-run when there is none.
bench: build
	@for bench in $(BUILD)/tests/bench/bench-*; do \
		if [ -f "$$bench" ] && [ -x "$$bench" ]; then \
			echo "== $$bench"; \
			if [ -z "$$DISPLAY" ] && command -v xvfb-run >/dev/null; then \
				xvfb-run -a -s "-screen 0 1280x1024x24" "$$bench" || exit 1; \
			else \
				"$$bench" || exit 1; \
			fi; \
		fi; \
	done

pot: configure
	meson compile -C $(BUILD) calque-pot

update-po: configure
	meson compile -C $(BUILD) calque-update-po

clean:
	rm -rf $(BUILD)
