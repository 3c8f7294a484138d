// memsift-collect: entry point (replaced by the collector issue).
#include <cstdio>

int main() {
  std::fputs("memsift-collect: not implemented yet\n", stderr);
  return 1;
}
