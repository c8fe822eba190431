# Installing and packaging (docs/embedding.md, README "Install"):
#   bin/strata
#   lib/libstrata.a                one archive: every strata subsystem and the C ABI
#   include/strata/*.h             the public headers
#   lib/cmake/strata/              find_package(strata) -> strata::strata
#   lib/pkgconfig/strata.pc
#   share/man/man1/strata.1, and bash, zsh and fish completions, generated
#   from the built binary's command table.
# `cpack -G DEB` makes two packages: strata (the program) and libstrata-dev
# (library, headers, CMake and pkg-config files).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# strata's subsystems are separate static libraries (their link lines keep
# the dependency rules honest). An application gets them as one archive.
set(STRATA_ARCHIVE_PARTS strata_util strata_config strata_source strata_sql strata_schema strata_driver
    strata_engine strata_ops strata_ops_audit strata_ops_backup strata_lib strata_fleet strata_capi)
set(objects)
foreach(part ${STRATA_ARCHIVE_PARTS})
  list(APPEND objects $<TARGET_OBJECTS:${part}>)
endforeach()
add_library(strata_archive STATIC ${objects})
set_target_properties(strata_archive PROPERTIES OUTPUT_NAME strata ARCHIVE_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib)

install(TARGETS strata RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(TARGETS strata_archive ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
# `cmake --install --strip` (and cpack, CPACK_STRIP_FILES) strip executables
# only; the archive loses its debug sections too, as a Debian -dev package's
# does (a RelWithDebInfo archive is ten times the size without them).
install(CODE "
  if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
                    \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/libstrata.a\")
  endif()" COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/strata DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/strataConfig.cmake.in
  ${CMAKE_BINARY_DIR}/strataConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/strata
  PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/strataConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/strataConfig.cmake ${CMAKE_BINARY_DIR}/strataConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/strata COMPONENT dev)
file(RELATIVE_PATH STRATA_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" STRATA_PC_TO_PREFIX "${STRATA_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/strata.pc.in ${CMAKE_BINARY_DIR}/strata.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/strata.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# Completions and the man page come from the command table of the binary
# just built (hidden commands `strata completion SHELL`, `strata manpage`).
set(generated ${CMAKE_BINARY_DIR}/share)
add_custom_command(
  OUTPUT ${generated}/strata.bash ${generated}/_strata ${generated}/strata.fish ${generated}/strata.1
  COMMAND ${CMAKE_COMMAND} -E make_directory ${generated}
  COMMAND ${CMAKE_COMMAND} -DSTRATA=$<TARGET_FILE:strata> -DOUT=${generated}
          -P ${PROJECT_SOURCE_DIR}/cmake/GenerateShellFiles.cmake
  DEPENDS strata ${PROJECT_SOURCE_DIR}/cmake/GenerateShellFiles.cmake
  COMMENT "Generating shell completions and the man page from the command table"
  VERBATIM)
add_custom_target(strata_docs ALL DEPENDS ${generated}/strata.bash ${generated}/_strata ${generated}/strata.fish
                                          ${generated}/strata.1)
install(FILES ${generated}/strata.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME strata COMPONENT runtime)
install(FILES ${generated}/_strata DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT runtime)
install(FILES ${generated}/strata.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d
  COMPONENT runtime)
install(FILES ${generated}/strata.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)

# Debian packages.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME strata)
set(CPACK_PACKAGE_VENDOR "strata")
set(CPACK_PACKAGE_CONTACT "strata maintainers <strata@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Versioned, checksummed schema migrations for SQLite and PostgreSQL")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
# gzip: a package in seconds, also from the RelWithDebInfo tree the tests use.
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME strata)
# The binary needs only libc (its C libraries are linked in statically;
# dpkg-shlibdeps computes the version); libpq is loaded on the first
# PostgreSQL connection.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "libpq5")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libstrata-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libsqlite3-dev, libpg-query-dev, libzstd-dev, libssl-dev, libpq5")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "strata command-line tool")
set(CPACK_COMPONENT_DEV_DESCRIPTION "strata C++ library (libstrata.a), C ABI, headers, CMake and pkg-config files")
include(CPack)
