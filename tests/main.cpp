// SPDX-License-Identifier: MIT
// doctest main: Debian's doctest 2.4.9 ships no doctest_with_main library.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
