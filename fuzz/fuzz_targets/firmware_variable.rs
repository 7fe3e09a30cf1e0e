//! A boolean UEFI variable as efivarfs gives it (`SecureBoot`,
//! `SetupMode`): 4 bytes of attributes, then one byte.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(on) = detect::firmware::parse_bool_variable(data) {
        // Only the exact form parses, and to its last byte.
        assert_eq!(data.len(), 5);
        assert_eq!(data[4], u8::from(on));
    }
});
