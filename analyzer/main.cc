// memsift: entry point.
#include <cstdio>

int main() {
  std::fputs("memsift: not implemented yet\n", stderr);
  return 1;
}
