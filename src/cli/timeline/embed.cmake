# Builds the timeline page's template into the binary (inspect --html):
# page.html with timeline.css and timeline.js put in place of its /*@CSS@*/
# and /*@JS@*/ marks, written as C++ raw strings to OUT:
#   kPage    the page; the program puts the script's hash (CSP) and the
#            trace's data in place of @WASMRR_SCRIPT_HASH@ and @WASMRR_DATA@
#   kScript  the script alone, as inlined (its SHA-256 is the CSP hash)
# cmake -DDIR=src/cli/timeline -DOUT=timeline_page.h -P embed.cmake
foreach(_name page.html timeline.css timeline.js)
  file(READ ${DIR}/${_name} _text)
  string(FIND "${_text}" ")wasmrr_page\"" _at)
  if(NOT _at EQUAL -1)
    message(FATAL_ERROR "${DIR}/${_name} holds the raw string's end mark )wasmrr_page\"")
  endif()
  string(MAKE_C_IDENTIFIER ${_name} _var)
  set(_${_var} "${_text}")
endforeach()
string(TOLOWER "${_timeline_js}" _js_lower)
string(FIND "${_js_lower}" "</script" _at)
if(NOT _at EQUAL -1)
  message(FATAL_ERROR "${DIR}/timeline.js holds </script, which would end the page's script")
endif()
string(FIND "${_page_html}" "/*@CSS@*/" _css_at)
string(FIND "${_page_html}" "/*@JS@*/" _js_at)
if(_css_at EQUAL -1 OR _js_at EQUAL -1)
  message(FATAL_ERROR "${DIR}/page.html lacks its /*@CSS@*/ or /*@JS@*/ mark")
endif()
string(REPLACE "/*@CSS@*/" "${_timeline_css}" _page "${_page_html}")
string(REPLACE "/*@JS@*/" "${_timeline_js}" _page "${_page}")
set(_out "// Generated from src/cli/timeline/{page.html,timeline.css,timeline.js} by embed.cmake: do not edit.
#pragma once
#include <string_view>
namespace wasmrr::cli::timeline {
inline constexpr std::string_view kPage = R\"wasmrr_page(${_page})wasmrr_page\";
inline constexpr std::string_view kScript = R\"wasmrr_page(${_timeline_js})wasmrr_page\";
}  // namespace wasmrr::cli::timeline
")
# Written only when it changed: no rebuild of what includes it otherwise.
if(EXISTS ${OUT})
  file(READ ${OUT} _old)
  if(_old STREQUAL _out)
    return()
  endif()
endif()
file(WRITE ${OUT} "${_out}")
