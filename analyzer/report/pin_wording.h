// The words of the pins-and-references section, shared by the text, Markdown and HTML reports:
// whether there is anything to show, its sentences, and the figures of a holder's row.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model/pins.h"

namespace memsift::report {

// Shown when a process pins or holds pinning descriptors, or FOLL_PIN pins are outstanding.
bool showPins(const PinEvidence& e);
// What the section says before its table: outstanding FOLL_PIN pins, and how much the census
// covered.
std::vector<std::string> pinSentences(const PinEvidence& e);

inline constexpr std::string_view kPinHolderFigures[] = {
    "VmPin", "VmLck", "io_uring bufs", "unmapped", "VFIO", "RDMA", "pipes"};
// A holder's figures, in kPinHolderFigures' order; `absent` for what the bundle lacks.
std::vector<std::string> pinHolderFigures(const PinHolder& h, std::string_view absent);

}  // namespace memsift::report
