# ONNX side of issue 11 (included by tests/quant/CMakeLists.txt; owned by the ONNX lowering).
# Quantized ONNX lowering: int8 QDQ / int4 MatMulNBits exports of bert tiny in onnxruntime-node
# vs the fp32 export; the MatMulNBits packing vs quant/int4.h; per-layer plans.
accelbench_test(onnx_quant_test onnx_quant_test.cc)
target_link_libraries(onnx_quant_test PRIVATE accelbench_onnx accelbench_quant onnx onnx_proto)
target_include_directories(onnx_quant_test PRIVATE ${CMAKE_SOURCE_DIR}/tests)
target_compile_definitions(onnx_quant_test PRIVATE ONNX_ML=1 ONNX_NAMESPACE=onnx)
# ... and in the browser backend (onnxruntime-web wasm / webgpu in headless Chromium).
accelbench_test(onnx_quant_browser_test onnx_quant_browser_test.cc)
target_link_libraries(onnx_quant_browser_test PRIVATE accelbench_browser accelbench_onnx)
target_include_directories(onnx_quant_browser_test PRIVATE ${CMAKE_SOURCE_DIR}/tests)
# `run --runtime onnxruntime` (and wasm) int8/int4 results store deviation, weight bytes, LLM
# top-1 / perplexity (tests/quant/onnx_quant_run.sh).
add_test(NAME onnx_quant_run COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/onnx_quant_run.sh $<TARGET_FILE:accelbench>)
set_tests_properties(onnx_quant_run PROPERTIES TIMEOUT 900)
# accelbench convert: golden vendor commands, not-found / found (test-double tools) / failing
# paths, ONNX validity of the written models; the CLI end to end (exit codes).
accelbench_test(convert_test convert_test.cc)
target_link_libraries(convert_test PRIVATE accelbench_convert accelbench_onnx)
target_include_directories(convert_test PRIVATE ${CMAKE_SOURCE_DIR}/tests)
add_test(NAME convert_cli COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/convert_cli.sh $<TARGET_FILE:accelbench>)
