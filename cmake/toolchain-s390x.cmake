# Cross build for s390x hosts with Debian's g++-s390x-linux-gnu (see toolchain-debian-cross.cmake):
#   cmake -S . -B build-s390x -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-s390x.cmake -DMEMSIFT_COLLECTOR_ONLY=ON
set(MEMSIFT_CROSS_TRIPLE s390x-linux-gnu)
set(MEMSIFT_CROSS_PROCESSOR s390x)
set(MEMSIFT_CROSS_DEBARCH s390x)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
