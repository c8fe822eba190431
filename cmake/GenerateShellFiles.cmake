# cmake -DSTRATA=<binary> -DOUT=<dir> -P GenerateShellFiles.cmake
cmake_policy(SET CMP0007 NEW)  # keep the empty argument of "manpage;;strata.1"
# Writes the shell completions and the man page from the binary's command table.
foreach(pair "completion;bash;strata.bash" "completion;zsh;_strata" "completion;fish;strata.fish" "manpage;;strata.1")
  list(GET pair 0 command)
  list(GET pair 1 argument)
  list(GET pair 2 file)
  execute_process(COMMAND ${STRATA} ${command} ${argument} OUTPUT_FILE ${OUT}/${file} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "strata ${command} ${argument} failed (${rc})")
  endif()
endforeach()
