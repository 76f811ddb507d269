//! Destination countries of exports, keyed by ISO 3166-1 alpha-2 code, with `WORLD` for the
//! total. Names and aliases in English, Korean and Japanese live in `COUNTRIES`; moderators add
//! more aliases through the store, and a `CountryCatalog` holds both.

use std::collections::HashMap;
use std::fmt;

use crate::domain::text;
use crate::i18n::Locale;

/// An ISO 3166-1 alpha-2 code, or `WORLD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country(&'static str);

impl Country {
    pub const WORLD: Country = Country("WORLD");

    pub fn code(self) -> &'static str {
        self.0
    }

    pub fn is_world(self) -> bool {
        self == Country::WORLD
    }

    /// The country for a stored code (`JP`, `WORLD`), if the table knows it.
    pub fn from_code(code: &str) -> Option<Country> {
        info(code).map(|i| Country(i.alpha2))
    }

    pub fn name(self, locale: Locale) -> &'static str {
        let i = info(self.0).expect("a Country is always in the table");
        match locale {
            Locale::En => i.en,
            Locale::Ko => i.ko,
            Locale::Ja => i.ja,
        }
    }

    /// The flag emoji, made from the code's regional indicator letters.
    pub fn flag(self) -> String {
        if self.is_world() {
            return "🌐".to_string();
        }
        self.0
            .chars()
            .map(|c| char::from_u32(0x1F1E6 + (c as u32 - 'A' as u32)).unwrap_or(c))
            .collect()
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Stored and snapshotted as its code.
impl serde::Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Country, D::Error> {
        let code = String::deserialize(d)?;
        Country::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("`{code}` is not a country code")))
    }
}

pub struct CountryInfo {
    pub alpha2: &'static str,
    pub alpha3: &'static str,
    pub en: &'static str,
    pub ko: &'static str,
    pub ja: &'static str,
    /// Other names fans use, in any language.
    pub aliases: &'static [&'static str],
}

macro_rules! countries {
    ($($a2:literal $a3:literal $en:literal $ko:literal $ja:literal [$($alias:literal),*];)*) => {
        pub static COUNTRIES: &[CountryInfo] = &[
            $(CountryInfo { alpha2: $a2, alpha3: $a3, en: $en, ko: $ko, ja: $ja, aliases: &[$($alias),*] },)*
        ];
    };
}

countries! {
    "WORLD" "WLD" "World (total)" "전 세계" "全世界" ["world", "total", "all", "global", "worldwide", "전체", "합계", "세계", "世界", "合計", "全体"];
    "JP" "JPN" "Japan" "일본" "日本" ["nippon", "nihon", "にほん", "にっぽん", "ニホン", "ジャパン"];
    "US" "USA" "United States" "미국" "アメリカ" ["America", "United States of America", "U.S.", "U.S.A.", "the States", "米国", "アメリカ合衆国", "合衆国", "미합중국"];
    "CN" "CHN" "China" "중국" "中国" ["PRC", "People's Republic of China", "Mainland China", "中華人民共和国", "ちゅうごく", "중화인민공화국"];
    "TW" "TWN" "Taiwan" "대만" "台湾" ["Chinese Taipei", "ROC", "타이완", "臺灣", "台灣", "たいわん"];
    "HK" "HKG" "Hong Kong" "홍콩" "香港" ["HK SAR", "ホンコン"];
    "DE" "DEU" "Germany" "독일" "ドイツ" ["Deutschland", "独逸"];
    "NL" "NLD" "Netherlands" "네덜란드" "オランダ" ["Holland", "The Netherlands", "Nederland"];
    "CA" "CAN" "Canada" "캐나다" "カナダ" [];
    "GB" "GBR" "United Kingdom" "영국" "イギリス" ["UK", "U.K.", "Britain", "Great Britain", "England", "英国", "英國"];
    "FR" "FRA" "France" "프랑스" "フランス" ["仏国"];
    "TH" "THA" "Thailand" "태국" "タイ" ["Siam"];
    "ID" "IDN" "Indonesia" "인도네시아" "インドネシア" [];
    "PL" "POL" "Poland" "폴란드" "ポーランド" ["Polska"];
    "KR" "KOR" "South Korea" "한국" "韓国" ["Korea", "Republic of Korea", "대한민국", "남한", "かんこく"];
    "KP" "PRK" "North Korea" "북한" "北朝鮮" ["DPRK"];
    "VN" "VNM" "Vietnam" "베트남" "ベトナム" ["Viet Nam"];
    "PH" "PHL" "Philippines" "필리핀" "フィリピン" [];
    "MY" "MYS" "Malaysia" "말레이시아" "マレーシア" [];
    "SG" "SGP" "Singapore" "싱가포르" "シンガポール" [];
    "IN" "IND" "India" "인도" "インド" [];
    "MO" "MAC" "Macau" "마카오" "マカオ" ["Macao"];
    "MN" "MNG" "Mongolia" "몽골" "モンゴル" [];
    "KH" "KHM" "Cambodia" "캄보디아" "カンボジア" [];
    "MM" "MMR" "Myanmar" "미얀마" "ミャンマー" ["Burma"];
    "BD" "BGD" "Bangladesh" "방글라데시" "バングラデシュ" [];
    "PK" "PAK" "Pakistan" "파키스탄" "パキスタン" [];
    "LK" "LKA" "Sri Lanka" "스리랑카" "スリランカ" [];
    "NP" "NPL" "Nepal" "네팔" "ネパール" [];
    "KZ" "KAZ" "Kazakhstan" "카자흐스탄" "カザフスタン" [];
    "UZ" "UZB" "Uzbekistan" "우즈베키스탄" "ウズベキスタン" [];
    "AU" "AUS" "Australia" "호주" "オーストラリア" ["오스트레일리아", "豪州"];
    "NZ" "NZL" "New Zealand" "뉴질랜드" "ニュージーランド" [];
    "MX" "MEX" "Mexico" "멕시코" "メキシコ" ["México"];
    "BR" "BRA" "Brazil" "브라질" "ブラジル" ["Brasil"];
    "AR" "ARG" "Argentina" "아르헨티나" "アルゼンチン" [];
    "CL" "CHL" "Chile" "칠레" "チリ" [];
    "PE" "PER" "Peru" "페루" "ペルー" ["Perú"];
    "CO" "COL" "Colombia" "콜롬비아" "コロンビア" [];
    "IT" "ITA" "Italy" "이탈리아" "イタリア" ["Italia"];
    "ES" "ESP" "Spain" "스페인" "スペイン" ["España"];
    "PT" "PRT" "Portugal" "포르투갈" "ポルトガル" [];
    "BE" "BEL" "Belgium" "벨기에" "ベルギー" [];
    "CH" "CHE" "Switzerland" "스위스" "スイス" [];
    "AT" "AUT" "Austria" "오스트리아" "オーストリア" [];
    "SE" "SWE" "Sweden" "스웨덴" "スウェーデン" [];
    "NO" "NOR" "Norway" "노르웨이" "ノルウェー" [];
    "DK" "DNK" "Denmark" "덴마크" "デンマーク" [];
    "FI" "FIN" "Finland" "핀란드" "フィンランド" [];
    "IE" "IRL" "Ireland" "아일랜드" "アイルランド" [];
    "CZ" "CZE" "Czechia" "체코" "チェコ" ["Czech Republic"];
    "HU" "HUN" "Hungary" "헝가리" "ハンガリー" [];
    "RO" "ROU" "Romania" "루마니아" "ルーマニア" [];
    "GR" "GRC" "Greece" "그리스" "ギリシャ" [];
    "UA" "UKR" "Ukraine" "우크라이나" "ウクライナ" [];
    "RU" "RUS" "Russia" "러시아" "ロシア" ["Russian Federation"];
    "TR" "TUR" "Türkiye" "튀르키예" "トルコ" ["Turkey", "터키"];
    "IL" "ISR" "Israel" "이스라엘" "イスラエル" [];
    "SA" "SAU" "Saudi Arabia" "사우디아라비아" "サウジアラビア" ["Saudi"];
    "AE" "ARE" "United Arab Emirates" "아랍에미리트" "アラブ首長国連邦" ["UAE", "Emirates"];
    "QA" "QAT" "Qatar" "카타르" "カタール" [];
    "EG" "EGY" "Egypt" "이집트" "エジプト" [];
    "ZA" "ZAF" "South Africa" "남아프리카공화국" "南アフリカ" ["남아공"];
    "NG" "NGA" "Nigeria" "나이지리아" "ナイジェリア" [];
    "KE" "KEN" "Kenya" "케냐" "ケニア" [];
    "MA" "MAR" "Morocco" "모로코" "モロッコ" [];
}

fn info(code: &str) -> Option<&'static CountryInfo> {
    let upper = code.to_ascii_uppercase();
    COUNTRIES.iter().find(|i| i.alpha2 == upper)
}

/// Why a country could not be read, with the closest names for the error message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown country")]
pub struct UnknownCountry {
    pub suggestions: Vec<Country>,
}

/// Every name each country is known by, folded, for parsing and autocomplete.
pub struct CountryCatalog {
    by_key: HashMap<String, Country>,
    /// (folded name, country) in table order, for suggestions and autocomplete.
    names: Vec<(String, Country)>,
}

impl Default for CountryCatalog {
    fn default() -> Self {
        CountryCatalog::new(std::iter::empty::<(String, String)>())
    }
}

impl CountryCatalog {
    /// The built-in table plus `(code, alias)` pairs added by moderators.
    pub fn new(extra: impl IntoIterator<Item = (String, String)>) -> CountryCatalog {
        let mut catalog = CountryCatalog {
            by_key: HashMap::new(),
            names: Vec::new(),
        };
        for i in COUNTRIES {
            let c = Country(i.alpha2);
            // Codes count only as codes: "in" is a word before it is India.
            catalog.by_key.insert(i.alpha2.to_ascii_lowercase(), c);
            catalog.by_key.insert(i.alpha3.to_ascii_lowercase(), c);
            for name in [i.en, i.ko, i.ja].iter().chain(i.aliases) {
                catalog.add(name, c);
            }
        }
        for (code, alias) in extra {
            if let Some(c) = Country::from_code(&code) {
                catalog.add(&alias, c);
            }
        }
        catalog
    }

    fn add(&mut self, name: &str, c: Country) {
        let k = text::key(name);
        if !k.is_empty() {
            self.by_key.entry(k.clone()).or_insert(c);
            self.names.push((text::fold(name), c));
        }
    }

    /// Reads a country from a name in English, Korean or Japanese, an ISO alpha-2 or alpha-3
    /// code, a common short form, or a flag emoji; case, width and accents do not matter.
    pub fn parse(&self, input: &str) -> Result<Country, UnknownCountry> {
        if let Some(c) = from_flag(input.trim()) {
            return Ok(c);
        }
        let k = text::key(input);
        if let Some(c) = self.by_key.get(&k) {
            return Ok(*c);
        }
        Err(UnknownCountry {
            suggestions: self.suggest(input, 3),
        })
    }

    /// The countries whose names are closest to `input`, best first.
    pub fn suggest(&self, input: &str, limit: usize) -> Vec<Country> {
        let q = text::fold(input);
        if q.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, Country)> = self
            .names
            .iter()
            .map(|(name, c)| (strsim::jaro_winkler(&q, name), *c))
            .filter(|(score, _)| *score >= 0.8)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut out: Vec<Country> = Vec::new();
        for (_, c) in scored {
            if !out.contains(&c) {
                out.push(c);
            }
            if out.len() == limit {
                break;
            }
        }
        out
    }

    /// Countries for autocomplete: exact name or code first, then prefix, then contains;
    /// `among` (the countries with figures) first when given.
    pub fn complete(&self, input: &str, among: &[Country], limit: usize) -> Vec<Country> {
        let q = text::fold(input);
        let qk = q.replace(' ', "");
        let mut ranked: Vec<(u8, usize, Country)> = Vec::new();
        for (i, (name, c)) in self.names.iter().enumerate() {
            let nk = name.replace(' ', "");
            let class = if q.is_empty() || nk == qk {
                0
            } else if nk.starts_with(&qk) {
                1
            } else if name.split(' ').any(|w| w.starts_with(&q)) {
                2
            } else if nk.contains(&qk) {
                3
            } else {
                continue;
            };
            let known = if among.contains(c) { 0 } else { 1 };
            ranked.push((
                class * 2 + known,
                among.iter().position(|a| a == c).unwrap_or(i),
                *c,
            ));
        }
        if let Some(c) = self.by_key.get(&qk) {
            ranked.push((0, 0, *c));
        }
        ranked.sort();
        let mut out = Vec::new();
        for (_, _, c) in ranked {
            if !out.contains(&c) {
                out.push(c);
                if out.len() == limit {
                    break;
                }
            }
        }
        out
    }
}

fn from_flag(s: &str) -> Option<Country> {
    if s == "🌐" {
        return Some(Country::WORLD);
    }
    let letters: Vec<char> = s
        .chars()
        .map(|c| {
            (c as u32)
                .checked_sub(0x1F1E6)
                .filter(|d| *d < 26)
                .map(|d| (b'A' + d as u8) as char)
        })
        .collect::<Option<_>>()?;
    if letters.len() != 2 {
        return None;
    }
    Country::from_code(&letters.iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(input: &str) -> Result<&'static str, UnknownCountry> {
        CountryCatalog::default().parse(input).map(Country::code)
    }

    #[test]
    fn reads_names_codes_and_scripts() {
        for (input, want) in [
            ("japan", "JP"),
            ("JAPAN", "JP"),
            ("Japan", "JP"),
            ("ＪＡＰＡＮ", "JP"),
            ("jp", "JP"),
            ("JPN", "JP"),
            ("일본", "JP"),
            ("日本", "JP"),
            ("🇯🇵", "JP"),
            ("US", "US"),
            ("usa", "US"),
            ("U.S.", "US"),
            ("America", "US"),
            ("united states", "US"),
            ("미국", "US"),
            ("アメリカ", "US"),
            ("米国", "US"),
            ("🇺🇸", "US"),
            ("UK", "GB"),
            ("Britain", "GB"),
            ("gbr", "GB"),
            ("영국", "GB"),
            ("HK", "HK"),
            ("hong kong", "HK"),
            ("HongKong", "HK"),
            ("홍콩", "HK"),
            ("중국", "CN"),
            ("中国", "CN"),
            ("대만", "TW"),
            ("台湾", "TW"),
            ("Deutschland", "DE"),
            ("독일", "DE"),
            ("the netherlands", "NL"),
            ("total", "WORLD"),
            ("전 세계", "WORLD"),
            ("México", "MX"),
            ("mexico", "MX"),
            ("Türkiye", "TR"),
            ("turkiye", "TR"),
        ] {
            assert_eq!(code(input), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn suggests_the_closest_names() {
        let err = code("japn").unwrap_err();
        assert_eq!(err.suggestions.first().map(|c| c.code()), Some("JP"));
        let err = code("germny").unwrap_err();
        assert_eq!(err.suggestions.first().map(|c| c.code()), Some("DE"));
        assert!(code("qqqqqq").unwrap_err().suggestions.is_empty());
    }

    #[test]
    fn moderator_aliases_join_the_table() {
        let catalog = CountryCatalog::new([("JP".to_string(), "Nihon-koku".to_string())]);
        assert_eq!(catalog.parse("nihon koku").map(Country::code), Ok("JP"));
        assert!(CountryCatalog::default().parse("nihon koku").is_err());
    }

    #[test]
    fn completes_known_countries_first() {
        let catalog = CountryCatalog::default();
        let among = [
            Country::from_code("JP").unwrap(),
            Country::from_code("US").unwrap(),
        ];
        let got = catalog.complete("ja", &among, 25);
        assert_eq!(got.first().map(|c| c.code()), Some("JP"));
        let got = catalog.complete("", &among, 25);
        assert_eq!(&got[..2], &among);
        assert!(catalog.complete("zzz", &among, 25).is_empty());
    }

    #[test]
    fn names_and_flags() {
        let jp = Country::from_code("jp").unwrap();
        assert_eq!(jp.name(Locale::Ko), "일본");
        assert_eq!(jp.flag(), "🇯🇵");
        assert_eq!(Country::WORLD.name(Locale::En), "World (total)");
    }
}
