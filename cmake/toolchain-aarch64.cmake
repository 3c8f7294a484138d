# Cross build for aarch64 hosts with Debian's g++-aarch64-linux-gnu (see toolchain-debian-cross.cmake):
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake -DMEMSIFT_COLLECTOR_ONLY=ON
set(MEMSIFT_CROSS_TRIPLE aarch64-linux-gnu)
set(MEMSIFT_CROSS_PROCESSOR aarch64)
set(MEMSIFT_CROSS_DEBARCH arm64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
