//! Integration tests against the real servers of the test bed (see tests/bed/).

mod otp;
