# Per-target compile settings: warnings are errors; optional sanitizers.
function(memsift_target_settings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  # g++ 12 reports a false -Wmaybe-uninitialized inside libstdc++'s <regex> (used by Catch2) once
  # sanitizers change the inlining: not a finding in our code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE $<$<BOOL:${MEMSIFT_SANITIZE}>:-Wno-maybe-uninitialized>)
  endif()
  if(MEMSIFT_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  # Coverage instrumentation for libFuzzer in every library the fuzz targets reach (clang only).
  if(MEMSIFT_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()
