add_test(NAME postprocess_unit COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/postprocess_test.py)
