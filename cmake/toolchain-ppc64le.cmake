# Cross build for ppc64le hosts with Debian's g++-powerpc64le-linux-gnu (see toolchain-debian-cross.cmake):
#   cmake -S . -B build-ppc64le -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-ppc64le.cmake -DMEMSIFT_COLLECTOR_ONLY=ON
set(MEMSIFT_CROSS_TRIPLE powerpc64le-linux-gnu)
set(MEMSIFT_CROSS_PROCESSOR ppc64le)
set(MEMSIFT_CROSS_DEBARCH ppc64el)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
