//! Property tests of [`crate::engine::link::base64url`] against an
//! independent codec, the `data-encoding` crate's `BASE64URL_NOPAD` (a
//! native dev-dependency only; the page used it before): the same text for
//! every byte string, and the same verdict and bytes for every text.

use crate::engine::link::base64url;
use data_encoding::BASE64URL_NOPAD;
use proptest::prelude::*;

proptest! {
    #[test]
    fn encodes_as_data_encoding_does(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let text = base64url::encode(&bytes);
        prop_assert_eq!(&text, &BASE64URL_NOPAD.encode(&bytes));
        prop_assert_eq!(base64url::decode(text.as_bytes()), Some(bytes));
    }

    #[test]
    fn decodes_as_data_encoding_does(text in "[A-Za-z0-9_=+/ -]{0,24}") {
        prop_assert_eq!(base64url::decode(text.as_bytes()), BASE64URL_NOPAD.decode(text.as_bytes()).ok());
    }

    #[test]
    fn decodes_every_base64url_text_as_data_encoding_does(text in "[A-Za-z0-9_-]{0,24}") {
        prop_assert_eq!(base64url::decode(text.as_bytes()), BASE64URL_NOPAD.decode(text.as_bytes()).ok());
    }
}
