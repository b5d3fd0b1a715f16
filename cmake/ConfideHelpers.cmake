# The one place that sets warning and sanitizer flags for project code.
set(CONFIDE_WARNING_FLAGS
    -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wcast-qual -Wformat=2
    -Wmissing-declarations -Wundef -Wvla)
if(CONFIDE_WERROR)
  list(APPEND CONFIDE_WARNING_FLAGS -Werror)
endif()

if(CONFIDE_SANITIZE)
  add_compile_options(-fsanitize=${CONFIDE_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${CONFIDE_SANITIZE})
endif()

# confide_cc_library(NAME name SRCS ... DEPS ...) -> target confide_<name>, alias confide::<name>
function(confide_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(confide_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(confide::${ARG_NAME} ALIAS confide_${ARG_NAME})
  target_include_directories(confide_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(confide_${ARG_NAME} PRIVATE ${CONFIDE_WARNING_FLAGS})
  target_link_libraries(confide_${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

# confide_cc_binary(NAME name OUTPUT output-name SRCS ... DEPS ...)
function(confide_cc_binary)
  cmake_parse_arguments(ARG "" "NAME;OUTPUT" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  if(ARG_OUTPUT)
    set_target_properties(${ARG_NAME} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT})
  endif()
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${ARG_NAME} PRIVATE ${CONFIDE_WARNING_FLAGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
endfunction()

# confide_cc_test(NAME name SRCS ... DEPS ... [LABELS ...] [TIMEOUT s])
function(confide_cc_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${ARG_NAME} PRIVATE ${CONFIDE_WARNING_FLAGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  if(CONFIDE_SANITIZE)
    # Sanitised binaries run several times slower; the longest e2e tests need the headroom.
    math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * 3")
  endif()
  set(environment "CONFIDE_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
                  "CONFIDE_BIN_DIR=${PROJECT_BINARY_DIR}/bin")
  if(CONFIDE_SANITIZE)
    # Child processes (hub, agent, CLI) inherit this too.
    list(APPEND environment "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp")
  endif()
  # The list must reach set_tests_properties as one value; it passes through two rounds of
  # list expansion (here and in the generated discovery script), hence the doubled escaping.
  string(REPLACE ";" "\\\\\\\\\\\\\\\\;" environment "${environment}")
  if(ARG_LABELS)
    set(labels LABELS "${ARG_LABELS}")
  else()
    set(labels)
  endif()
  gtest_discover_tests(${ARG_NAME}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT "${environment}" ${labels}
    DISCOVERY_TIMEOUT 60)
endfunction()
