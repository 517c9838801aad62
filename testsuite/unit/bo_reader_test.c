#include "tap.h"
int main(void){tap_plan(1);tap_ok(1,"x");return tap_done();}
