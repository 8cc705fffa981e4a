//! The escaper of the XML templates (`askama.toml`): markup escaped as in
//! HTML, and characters XML 1.0 cannot carry (controls, U+FFFE, U+FFFF)
//! dropped. Input is refused with them since the rule of `text_input`, but
//! older rows may hold them, and one such character would make the whole
//! feed unreadable for every subscriber.

use std::fmt::{self, Write};

use askama::filters::{Escaper, Html};

use crate::domain::validation::printable;

#[derive(Debug, Clone, Copy, Default)]
pub struct Xml;

impl Escaper for Xml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        for run in string.split(|c| !printable(c)) {
            Html.write_escaped_str(&mut dest, run)?;
        }
        Ok(())
    }

    fn write_escaped_char<W: Write>(&self, dest: W, c: char) -> fmt::Result {
        if printable(c) {
            Html.write_escaped_char(dest, c)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_characters_xml_cannot_carry_are_dropped() {
        let mut out = String::new();
        Xml.write_escaped_str(&mut out, "a\u{0}<b>\u{1b}&\u{FFFF}\"ไทย\u{0b}\u{7f}\u{85}\n").unwrap();
        assert_eq!(out, "a&#60;b&#62;&#38;&#34;ไทย\n");
    }
}
