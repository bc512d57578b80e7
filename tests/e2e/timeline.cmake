# The timeline page (`inspect --html`) in headless Chromium (Debian's
# chromium, from scripts/install-deps): timeline_case.py records a run, writes
# its page, loads it, checks the DOM, clicks, and keeps a screenshot of the
# page in ${CMAKE_CURRENT_BINARY_DIR}/artifacts/timeline-MODE.png. Modes: a C
# guest's files and output (c), an HTTP guest's requests (http), a 1 M-event
# trace that must load in under 5 s (million), and the ends of a run: trap,
# --timeout, cut short, and a hostile trace whose strings are markup (ends),
# and a WASI 0.3 guest's output through its stdout stream (async).
# Labels: timeline (this file), browser.
set(TIMELINE_CASE ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/timeline_case.py --wasm-rr ${WASMRR_EXE}
    --guests ${G} --artifacts ${CMAKE_CURRENT_BINARY_DIR}/artifacts)

function(wasmrr_timeline mode)
  add_test(NAME e2e.timeline.${mode} COMMAND ${TIMELINE_CASE} ${mode})
  set_tests_properties(e2e.timeline.${mode} PROPERTIES LABELS "e2e;timeline;browser" TIMEOUT 300)
endfunction()

wasmrr_timeline(c)
wasmrr_timeline(ends)
wasmrr_timeline(million)
wasmrr_timeline(async)
if(WASMRR_HAVE_JS_GUESTS)
  wasmrr_timeline(http)
endif()
