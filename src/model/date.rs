//! Dates with the precision the source document gives: a year, a part of a year
//! ("høsten 2017"), a month or a day. The one place dates are parsed, compared and written out.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::model::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
    /// A part of the year the source names instead of a month ("høsten 2017"); only with
    /// neither month nor day.
    pub part: Option<Part>,
}

pub const ACCEPTED_FORMS: &str =
    "write a date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2018, 2018-09 or 2005-09-01, or a part of a year such as høsten 2018 (see docs/format.md)";

/// How dates sort: by first day, then the last day latest first, then the part.
pub type SortKey = (
    (i32, u8, u8),
    std::cmp::Reverse<(i32, u8, u8)>,
    Option<Part>,
);

/// A part of a year as Norwegian documents name it. Each covers the months a reader takes
/// it to mean (the school and budget year: spring is January to June, autumn August to
/// December), so it sorts and is drawn as that span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    Early,
    EarlySpring,
    Spring,
    Summer,
    Autumn,
    Late,
    During,
}

impl Part {
    const ALL: [Part; 7] = [
        Part::Early,
        Part::EarlySpring,
        Part::Spring,
        Part::Summer,
        Part::Autumn,
        Part::Late,
        Part::During,
    ];

    /// The words before the year: (bokmål, nynorsk).
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Part::Early => ("tidlig i", "tidleg i"),
            Part::EarlySpring => ("tidlig våren", "tidleg våren"),
            Part::Spring => ("våren", "våren"),
            Part::Summer => ("sommeren", "sommaren"),
            Part::Autumn => ("høsten", "hausten"),
            Part::Late => ("sent i", "seint i"),
            Part::During => ("i løpet av", "i løpet av"),
        }
    }

    /// The first and last month the part covers.
    fn months(self) -> (u8, u8) {
        match self {
            Part::Early => (1, 4),
            Part::EarlySpring => (1, 3),
            Part::Spring => (1, 6),
            Part::Summer => (6, 8),
            Part::Autumn => (8, 12),
            Part::Late => (9, 12),
            Part::During => (1, 12),
        }
    }

    /// Reads "høsten" or "hausten", "tidlig i" or "tidleg i" (any case, any spacing).
    fn parse(words: &str) -> Option<Part> {
        let w: Vec<String> = words.split_whitespace().map(str::to_lowercase).collect();
        let w = w.join(" ");
        Part::ALL.into_iter().find(|p| {
            let (nb, nn) = p.words();
            w == nb || w == nn
        })
    }
}

const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let bad = || format!("`{s}` is not a date");
        // "høsten 2017": words, then a year.
        if let Some((words, year)) = s.rsplit_once(char::is_whitespace) {
            let part = Part::parse(words).ok_or_else(bad)?;
            if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let year: i32 = year.parse().map_err(|_| bad())?;
            return Ok(Date {
                part: Some(part),
                ..Date::year(year)
            });
        }
        let mut parts = s.split('-');
        let year_part = parts.next().ok_or_else(bad)?;
        if year_part.len() != 4 || !year_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year_part.parse().map_err(|_| bad())?;
        let number = |p: Option<&str>| -> Result<Option<u8>, String> {
            match p {
                None => Ok(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse().map(Some).map_err(|_| bad())
                }
                Some(_) => Err(bad()),
            }
        };
        let month = number(parts.next())?;
        let day = number(parts.next())?;
        if parts.next().is_some() {
            return Err(bad());
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(format!("`{s}` has no month {m}: months are 01 to 12"));
            }
            if let Some(d) = day {
                let last = days_in_month(year, m);
                if d == 0 || d > last {
                    return Err(format!(
                        "`{s}` does not exist: {} {year} has {last} days",
                        MONTHS[usize::from(m) - 1]
                    ));
                }
            }
        }
        Ok(Date {
            year,
            month,
            day,
            part: None,
        })
    }

    pub fn year(year: i32) -> Date {
        Date {
            year,
            month: None,
            day: None,
            part: None,
        }
    }

    /// A day: (year, month, day) as `civil` gives them.
    pub fn day((year, month, day): (i32, u8, u8)) -> Date {
        Date {
            year,
            month: Some(month),
            day: Some(day),
            part: None,
        }
    }

    /// The months the date covers when it names no month: all, or its part's.
    fn months(&self) -> (u8, u8) {
        self.part.map_or((1, 12), Part::months)
    }

    /// The first day the date covers, as (year, month, day).
    pub fn first_day(&self) -> (i32, u8, u8) {
        (
            self.year,
            self.month.unwrap_or(self.months().0),
            self.day.unwrap_or(1),
        )
    }

    /// The last day the date covers: `2024` runs to 31 December 2024, `høsten 2017` to
    /// 31 December 2017, `våren 2018` to 30 June 2018.
    pub fn last_day(&self) -> (i32, u8, u8) {
        let month = self.month.unwrap_or(self.months().1);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        (self.year, month, day)
    }

    /// The ISO form for `<time datetime>` and data: `2005`, `2005-09`, `2005-09-01`.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// The date as it is written in a record: the ISO form, or "høsten 2017".
    pub fn written(&self) -> String {
        match self.part {
            Some(p) => format!("{} {:04}", p.words().0, self.year),
            None => self.iso(),
        }
    }

    /// Running text per Språkrådet: "1. september 2005", "september 2005", "2005",
    /// "høsten 2017" ("hausten 2017" in nynorsk). Month names are the same in both.
    pub fn text(&self, lang: Lang) -> String {
        if let Some(p) = self.part {
            let (nb, nn) = p.words();
            let words = if lang == Lang::Nn { nn } else { nb };
            return format!("{words} {}", self.year);
        }
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d}. {} {}", MONTHS[usize::from(m) - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTHS[usize::from(m) - 1], self.year),
            _ => self.year.to_string(),
        }
    }

    /// An RFC 3339 timestamp at the start of the date, for feeds and sitemaps.
    pub fn rfc3339(&self) -> String {
        let (y, m, d) = self.first_day();
        format!("{y:04}-{m:02}-{d:02}T00:00:00Z")
    }

    /// Sort key: by first day, the wider span first on ties (a year before its months,
    /// "våren 2018" before "tidlig i 2018"), then the part for dates of the same span.
    pub fn sort_key(&self) -> SortKey {
        (
            self.first_day(),
            std::cmp::Reverse(self.last_day()),
            self.part,
        )
    }

    /// Days since 1970-01-01 of a (year, month, day), for drawing time to scale.
    pub fn days((y, m, d): (i32, u8, u8)) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(y) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of a count of days since 1970-01-01: the inverse of `days`.
    pub fn civil(days: i64) -> (i32, u8, u8) {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        // In range for every date `parse` accepts (years 0000 to 9999).
        (y as i32, m as u8, d as u8)
    }
}

/// What a writer probably meant by a date mandat cannot read: `01.09.2005`, `9/2005` and
/// `1. september 2005` are dates in another form (the ISO form is returned, with false);
/// `høsten 2018` is wording around a year (the year is returned, with true: the
/// wording belongs in a `*_label` field).
pub fn suggest_date(written: &str) -> Option<(String, bool)> {
    let w = written.trim().to_lowercase();
    let numbers: Vec<&str> = w
        .split(['.', '/', '-', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let number = |p: &str| p.parse::<u32>().ok().filter(|_| p.len() <= 4);
    let iso = |y: u32, m: Option<u32>, d: Option<u32>| {
        let s = match (m, d) {
            (Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
            (Some(m), None) => format!("{y:04}-{m:02}"),
            _ => format!("{y:04}"),
        };
        Date::parse(&s).ok().map(|d| d.iso())
    };
    // Day and month before the year, in digits: 01.09.2005, 1/9/2005, 9.2005.
    if numbers.iter().all(|p| number(p).is_some()) {
        let n: Vec<u32> = numbers.iter().filter_map(|p| number(p)).collect();
        let found = match n.as_slice() {
            [d, m, y] if *y >= 1000 => iso(*y, Some(*m), Some(*d)),
            [y, m, d] if *y >= 1000 => iso(*y, Some(*m), Some(*d)),
            [m, y] if *y >= 1000 => iso(*y, Some(*m), None),
            [y, m] if *y >= 1000 => iso(*y, Some(*m), None),
            _ => None,
        };
        return found.map(|f| (f, false));
    }
    // A month written out: "1. september 2005", "september 2005".
    let month = MONTHS
        .iter()
        .position(|m| numbers.iter().any(|p| p == m))
        .map(|i| i as u32 + 1);
    let year = numbers
        .iter()
        .find(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| p.parse::<u32>().ok());
    let year = year?;
    let others: Vec<&&str> = numbers
        .iter()
        .filter(|p| p.parse::<u32>().ok() != Some(year) && !MONTHS.contains(p))
        .collect();
    if let Some(m) = month {
        let day = match others.as_slice() {
            [] => None,
            [d] => Some(d.parse::<u32>().ok()?),
            _ => return iso(year, None, None).map(|y| (y, true)),
        };
        return iso(year, Some(m), day).map(|f| (f, false));
    }
    iso(year, None, None).map(|y| (y, true))
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.written())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a date (YYYY, YYYY-MM, YYYY-MM-DD or a part of a year such as høsten 2018)",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Date, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Date, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(|e| E::custom(format!("{e}; {ACCEPTED_FORMS}")))
            }
        }
        d.deserialize_any(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_precision() {
        assert_eq!(Date::parse("2018").unwrap().iso(), "2018");
        assert_eq!(Date::parse("2018-09").unwrap().iso(), "2018-09");
        assert_eq!(Date::parse("2005-09-01").unwrap().iso(), "2005-09-01");
    }

    /// A date written as a record writes it is read back as the same date (what a build
    /// keeps of pages' fields relies on it), early years and parts of a year included.
    #[test]
    fn a_written_date_reads_back_as_itself() {
        for s in [
            "2018",
            "0999",
            "2018-09",
            "0999-01",
            "2005-09-01",
            "høsten 2017",
            "tidlig våren 0999",
            "hausten 2017",
        ] {
            let d = Date::parse(s).unwrap();
            let back = Date::parse(&d.written()).unwrap();
            assert_eq!(format!("{back:?}"), format!("{d:?}"), "{s}");
        }
    }

    #[test]
    fn writes_dates_the_norwegian_way() {
        let t = |s| Date::parse(s).unwrap().text(Lang::Nb);
        assert_eq!(t("2005-09-01"), "1. september 2005");
        assert_eq!(t("2020-12"), "desember 2020");
        assert_eq!(t("2018"), "2018");
    }

    #[test]
    fn rejects_impossible_dates() {
        for s in [
            "2018-13",
            "2021-02-29",
            "2020-04-31",
            "18",
            "2018-9",
            "2018-09-01-01",
            "abcd",
            "2018-00",
        ] {
            assert!(Date::parse(s).is_err(), "{s}");
        }
        assert!(Date::parse("2020-02-29").is_ok());
    }

    #[test]
    fn spans_cover_the_whole_period() {
        assert_eq!(Date::parse("2024").unwrap().last_day(), (2024, 12, 31));
        assert_eq!(Date::parse("2024-02").unwrap().last_day(), (2024, 2, 29));
        assert_eq!(Date::parse("2024-02").unwrap().first_day(), (2024, 2, 1));
    }

    #[test]
    fn orders_by_first_day_then_precision() {
        let mut v: Vec<Date> = ["2018-09", "2018", "2017-10-05", "2018-01-01"]
            .iter()
            .map(|s| Date::parse(s).unwrap())
            .collect();
        v.sort();
        let iso: Vec<String> = v.iter().map(Date::iso).collect();
        assert_eq!(iso, ["2017-10-05", "2018", "2018-01-01", "2018-09"]);
    }

    #[test]
    fn suggests_what_a_writer_meant() {
        let s = |w: &str| suggest_date(w);
        assert_eq!(s("01.09.2005"), Some(("2005-09-01".into(), false)));
        assert_eq!(s("1.9.2005"), Some(("2005-09-01".into(), false)));
        assert_eq!(s("9/2005"), Some(("2005-09".into(), false)));
        assert_eq!(s("2018-9"), Some(("2018-09".into(), false)));
        assert_eq!(s("1. september 2005"), Some(("2005-09-01".into(), false)));
        assert_eq!(s("September 2005"), Some(("2005-09".into(), false)));
        assert_eq!(s("rundt 2018"), Some(("2018".into(), true)));
        assert_eq!(s("31.02.2021"), None);
        assert_eq!(s("snart"), None);
    }

    #[test]
    fn parts_of_a_year_sort_and_span_as_they_mean() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("høsten 2017").text(Lang::Nb), "høsten 2017");
        assert_eq!(d("høsten 2017").text(Lang::Nn), "hausten 2017");
        assert_eq!(d("Hausten  2017"), d("høsten 2017"));
        assert_eq!(d("tidleg i 2018").text(Lang::Nb), "tidlig i 2018");
        assert_eq!(d("våren 2018").last_day(), (2018, 6, 30));
        assert_eq!(d("høsten 2017").first_day(), (2017, 8, 1));
        assert_eq!(d("høsten 2017").iso(), "2017");
        assert_eq!(d("høsten 2017").written(), "høsten 2017");
        assert!(d("2017-06") < d("høsten 2017"));
        assert!(d("høsten 2017") < d("2017-11"));
        assert!(d("2018") < d("våren 2018"));
        assert!(d("våren 2018") < d("tidlig i 2018"));
        assert!(d("2018") != d("i løpet av 2018"));
        for bad in ["snart 2018", "høsten", "høsten 18", "høsten 2018-09"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_days() {
        assert_eq!(Date::days((1970, 1, 1)), 0);
        assert_eq!(Date::days((2000, 3, 1)), 11_017);
        for day in [0, 11_016, 11_017, 18_262, -1, 60_000] {
            assert_eq!(Date::days(Date::civil(day)), day);
        }
        assert_eq!(Date::civil(Date::days((2024, 2, 29)) + 1), (2024, 3, 1));
    }
}
