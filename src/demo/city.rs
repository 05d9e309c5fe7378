//! Generating the demo city's rows.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Asia::Tokyo;
use entity::types::{DocumentKind, MemberStatus, PaymentMethod, PaymentStatus, UseType};
use entity::{
    bill, bill_line_item, data_import, document, member, meter_reading, notice, notice_read,
    service_location, staff, usage_alert,
};
use sea_orm::{ActiveValue::Set, ConnectionTrait};
use sha2::{Digest, Sha256};

use super::Summary;
use crate::billing::alerts::AlertRule;
use crate::billing::tariff;
use crate::db::insert_chunked;
use crate::domain::{CubicMeters, PortalCustomerNumber};
use crate::error::AppResult;
use crate::i18n::{Lang, format};
use crate::t;

pub const DEMO_LOGIN_ID: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo-password-2024";
/// The demo member's secret answer (to 母親の旧姓は？).
pub const DEMO_SECRET_ANSWER: &str = "かなざわ";
pub const STAFF_LOGIN_ID: &str = "staff";
pub const STAFF_PASSWORD: &str = "staff-password-2024";

/// Tables whose rows the demo writes with explicit IDs.
pub const TABLES_WITH_IDS: &[&str] = &[
    "members",
    "service_locations",
    "meter_readings",
    "bills",
    "bill_line_items",
    "notices",
    "staff",
];

/// Meters are read route by route over the reading month: a route's day
/// lies from the 3rd to the 22nd. Neighbouring customer numbers share a
/// route; the demo member's (route 0) is read on the 8th.
fn reading_day(location: usize) -> u32 {
    let route = location / 50;
    3 + ((5 + 7 * route) % 20) as u32
}

/// A bill is due (or transferred) this many days after its reading.
const DAYS_TO_PAY: i64 = 25;
/// Locations `i` with `i % LEAKING_EVERY == LEAKING_FROM` leak in their
/// latest period (お客さま番号 3100000018, 3100000107, …).
pub const LEAKING_EVERY: usize = 89;
pub const LEAKING_FROM: usize = 17;

/// Bills per location: two years and one period more, so a 24-month
/// window has something to leave out.
const PERIODS: i32 = 13;

/// Usage of the demo member's home, oldest period first (m³ per two months).
const DEMO_HOME_USAGE: [i32; PERIODS as usize] =
    [38, 41, 45, 40, 36, 39, 42, 44, 40, 37, 40, 43, 40];

const TOWNS: &[&str] = &[
    "広坂",
    "香林坊",
    "片町",
    "長町",
    "東山",
    "本町",
    "此花町",
    "笠市町",
    "尾張町",
    "橋場町",
    "兼六町",
    "小将町",
    "石引",
    "寺町",
    "野町",
    "泉が丘",
    "弥生",
    "有松",
    "米泉町",
    "西念",
    "駅西本町",
    "二口町",
    "諸江町",
    "鞍月",
    "大友",
    "森本",
    "田上",
    "若松町",
    "窪",
    "額新町",
];
const SURNAMES: &[&str] = &[
    "山田",
    "田中",
    "佐藤",
    "中村",
    "林",
    "吉田",
    "山本",
    "北村",
    "松本",
    "西田",
    "前田",
    "高橋",
    "宮本",
    "坂本",
    "村井",
    "竹内",
    "浅野",
    "本多",
    "奥村",
    "長谷川",
];
const GIVEN_NAMES: &[&str] = &[
    "太郎", "花子", "一郎", "由美", "健二", "美咲", "大輔", "恵子", "翔太", "陽子", "誠", "真理",
];
const SHOPS: &[&str] = &["商店", "食堂", "理容室", "クリーニング", "医院", "工房"];

/// splitmix64: a small generator with a fixed seed, so the city is the same
/// on every machine and with every version of the `rand` crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: i64) -> bool {
        self.range(0, 99) < percent
    }
}

/// All rows of the demo city, ready to insert.
pub struct City {
    members: Vec<member::ActiveModel>,
    locations: Vec<service_location::ActiveModel>,
    readings: Vec<meter_reading::ActiveModel>,
    bills: Vec<bill::ActiveModel>,
    line_items: Vec<bill_line_item::ActiveModel>,
    alerts: Vec<usage_alert::ActiveModel>,
    notices: Vec<notice::ActiveModel>,
    notice_reads: Vec<notice_read::ActiveModel>,
    documents: Vec<document::ActiveModel>,
    /// The staff account and the import record: in the last part only.
    staff: Option<staff::ActiveModel>,
    import: Option<data_import::ActiveModel>,
    /// Members made so far, in every part (the next member's id is one more).
    members_made: i64,
}

impl City {
    pub fn summary(&self) -> Summary {
        Summary {
            locations: self.locations.len(),
            members: self.members.len(),
            readings: self.readings.len(),
            bills: self.bills.len(),
            line_items: self.line_items.len(),
            notices: self.notices.len(),
            documents: self.documents.len(),
        }
    }

    /// The rows made since the last part was taken, as a part of their own
    /// (members first, so a later part's rows find theirs written).
    fn take_part(&mut self) -> City {
        City {
            members: std::mem::take(&mut self.members),
            locations: std::mem::take(&mut self.locations),
            readings: std::mem::take(&mut self.readings),
            bills: std::mem::take(&mut self.bills),
            line_items: std::mem::take(&mut self.line_items),
            alerts: std::mem::take(&mut self.alerts),
            notices: std::mem::take(&mut self.notices),
            notice_reads: std::mem::take(&mut self.notice_reads),
            documents: std::mem::take(&mut self.documents),
            staff: None,
            import: None,
            members_made: self.members_made,
        }
    }

    fn push_member(&mut self, member: member::ActiveModel) {
        self.members.push(member);
        self.members_made += 1;
    }

    pub async fn insert(self, db: &impl ConnectionTrait) -> AppResult<()> {
        insert_chunked(db, self.members).await?;
        insert_chunked(db, self.locations).await?;
        insert_chunked(db, self.readings).await?;
        insert_chunked(db, self.bills).await?;
        insert_chunked(db, self.line_items).await?;
        insert_chunked(db, self.alerts).await?;
        insert_chunked(db, self.notices).await?;
        insert_chunked(db, self.notice_reads).await?;
        insert_chunked(db, self.documents).await?;
        insert_chunked(db, self.staff.into_iter().collect()).await?;
        insert_chunked(db, self.import.into_iter().collect()).await?;
        Ok(())
    }
}

/// `YYYY-MM` month index helpers.
fn month_of(index: i32) -> (i32, u32) {
    (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32)
}

fn reading_date(index: i32, day: u32) -> NaiveDate {
    let (y, m) = month_of(index);
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// The latest month, not after today, whose parity is `parity` and whose
/// reading day has come.
fn latest_reading_month(today: NaiveDate, parity: i16, day: u32) -> i32 {
    let mut index = today.year() * 12 + today.month0() as i32;
    let current = index;
    loop {
        let month = month_of(index).1;
        let parity_ok = (month % 2) as i16 == parity;
        let day_ok = index != current || today.day() >= day;
        if parity_ok && day_ok {
            return index;
        }
        index -= 1;
    }
}

fn at_nine_tokyo(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(9, 0, 0)
        .and_then(|t| t.and_local_timezone(Tokyo).earliest())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

/// Builds the city of `count` locations as of `today` (Asia/Tokyo), all
/// at once (the unit tests look at it whole).
/// `profile` is the city profile: its terms version and its tariff.
#[cfg(test)]
pub fn build(
    count: usize,
    today: NaiveDate,
    now: DateTime<Utc>,
    hashes: [String; 3],
    profile: &crate::city::City,
) -> City {
    let mut seeder = Seeder::new(count, today, now, hashes, profile);
    while seeder.add(count) {}
    seeder.finish()
}

/// Makes the city a part at a time, so that seeding Kanazawa's 230,000
/// locations holds one part in memory, not the city: the same rows, in the
/// same order, as one `build`.
pub struct Seeder {
    count: usize,
    next: usize,
    rng: Rng,
    city: City,
    people: People,
    book: Book,
    demo_member: DemoMember,
    announced: Option<NaiveDate>,
}

impl Seeder {
    pub fn new(
        count: usize,
        today: NaiveDate,
        now: DateTime<Utc>,
        hashes: [String; 3],
        profile: &crate::city::City,
    ) -> Self {
        let [demo_hash, staff_hash, answer_hash] = hashes;
        let mut city = empty_city(count, now, staff_hash);
        let people = People {
            registered_at: now - Duration::days(400),
            terms_version: profile.terms.version.clone(),
        };
        city.push_member(people.demo(demo_hash, answer_hash));
        let book = Book {
            tariff: profile.tariff.clone(),
            rule: profile.usage_alert.clone(),
            today,
            now,
            // Worded once: the city has millions of bill lines.
            line_labels: tariff::LineKind::ALL.map(|kind| kind.label(Lang::Ja)),
            reading_id: 0,
            bill_id: 0,
            item_id: 0,
        };
        Self {
            count,
            next: 0,
            rng: Rng(0x4B41_4E41_5A41_5741), // "KANAZAWA"
            city,
            people,
            book,
            demo_member: DemoMember::default(),
            announced: profile.tariff.next_after(today).map(|t| t.from),
        }
    }

    /// Adds up to `n` more locations with their histories and papers;
    /// whether any are left to add.
    pub fn add(&mut self, n: usize) -> bool {
        let end = self.count.min(self.next + n);
        for i in self.next..end {
            let place = add_location(
                &mut self.city,
                &mut self.rng,
                &self.people,
                i,
                self.book.now,
            );
            let history = add_history(&mut self.city, &mut self.rng, &mut self.book, &place);
            if place.member_id.is_some() {
                add_member_papers(
                    &mut self.city,
                    &self.book,
                    &place,
                    history,
                    &mut self.demo_member,
                );
            }
        }
        self.next = end;
        self.next < self.count
    }

    /// The rows added since the last part (no notices, staff or import).
    pub fn take_part(&mut self) -> City {
        self.city.take_part()
    }

    /// The last part: what is left, the notices (which speak of the demo
    /// member's figures), the staff account and the import record.
    pub fn finish(mut self) -> City {
        let (today, now) = (self.book.today, self.book.now);
        add_notices(
            &mut self.city,
            &self.demo_member,
            self.announced,
            today,
            now,
        );
        self.city
    }
}

/// A city with no locations yet: the staff account and the import record.
fn empty_city(count: usize, now: DateTime<Utc>, staff_hash: String) -> City {
    City {
        members: vec![],
        locations: vec![],
        readings: vec![],
        bills: vec![],
        line_items: vec![],
        alerts: vec![],
        notices: vec![],
        notice_reads: vec![],
        documents: vec![],
        members_made: 0,
        staff: Some(staff::ActiveModel {
            id: Set(1),
            login_id: Set(super::STAFF_LOGIN_ID.into()),
            password_hash: Set(staff_hash),
            display_name: Set("窓口 担当".into()),
            disabled: Set(false),
            created_at: Set(now),
        }),
        import: Some(data_import::ActiveModel {
            source: Set("demo".into()),
            summary: Set(format!("demo city of {count} service locations")),
            imported_at: Set(now),
            ..Default::default()
        }),
    }
}

/// What every demo member shares.
struct People {
    registered_at: DateTime<Utc>,
    terms_version: String,
}

impl People {
    fn member(&self, id: i64, login: String, name: String, email: String) -> member::ActiveModel {
        let registered_at = self.registered_at;
        let terms_version = &self.terms_version;
        member::ActiveModel {
            id: Set(id),
            login_id: Set(Some(login)),
            // Not a PHC string: these accounts exist to fill the city and
            // cannot sign in.
            password_hash: Set(Some("!demo-no-login".into())),
            name_search: Set(Some(crate::domain::fold_for_search(&name))),
            display_name: Set(name),
            email: Set(Some(email)),
            secret_question_id: Set(None),
            secret_answer_hash: Set(None),
            secret_answer_norm_version: Set(1),
            notify_bill_issued: Set(true),
            notify_notice_published: Set(false),
            notify_new_device: Set(false),
            notify_high_usage: Set(false),
            language: Set("ja".into()),
            terms_version: Set(terms_version.clone()),
            status: Set(MemberStatus::Active),
            registered_at: Set(registered_at),
            updated_at: Set(registered_at),
            withdrawn_at: Set(None),
            last_write_at: Set(None),
        }
    }

    /// The demo member, who can sign in and answer the secret question.
    fn demo(&self, demo_hash: String, answer_hash: String) -> member::ActiveModel {
        let mut demo = self.member(
            1,
            super::DEMO_LOGIN_ID.into(),
            "金沢 太郎".into(),
            "demo@example.jp".into(),
        );
        demo.password_hash = Set(Some(demo_hash));
        demo.secret_question_id = Set(Some(1));
        demo.secret_answer_hash = Set(Some(answer_hash));
        demo.notify_notice_published = Set(true);
        demo.notify_high_usage = Set(true);
        demo
    }
}

/// One location as generated: who holds it, where, and on which meter.
struct Place {
    i: usize,
    location_id: i64,
    holder: String,
    address: String,
    customer_number: String,
    diameter: i32,
    business: bool,
    member_id: Option<i64>,
    parity: i16,
}

/// The `i`-th location and, for a third of them, its member.
fn add_location(
    city: &mut City,
    rng: &mut Rng,
    people: &People,
    i: usize,
    now: DateTime<Utc>,
) -> Place {
    let location_id = i as i64 + 1;
    let business = i == 1 || (i > 4 && rng.chance(12));
    let surname = if i < 2 { "金沢" } else { rng.pick(SURNAMES) };
    let given = if i < 2 {
        "太郎"
    } else {
        rng.pick(GIVEN_NAMES)
    };
    let holder = if business {
        format!("{surname}{}", rng.pick(SHOPS))
    } else {
        format!("{surname} {given}")
    };
    let address = format!(
        "石川県金沢市{}{}丁目{}番{}号",
        rng.pick(TOWNS),
        rng.range(1, 5),
        rng.range(1, 30),
        rng.range(1, 20)
    );
    let diameter = match (i, business) {
        (1, _) => 25,
        (_, true) => [25, 40, 50][rng.range(0, 2) as usize],
        _ => 20,
    };
    let member_id = match i {
        0 | 1 => Some(1),
        2..=4 => None, // the README's unregistered numbers
        _ if rng.chance(35) => {
            let id = city.members_made + 1;
            city.push_member(people.member(
                id,
                format!("member{i:05}"),
                holder.clone(),
                format!("member{i:05}@example.jp"),
            ));
            Some(id)
        }
        _ => None,
    };
    let parity = (i % 2) as i16;
    let customer_number = format!("{:010}", 3_100_000_001u64 + i as u64);
    let registered_at = people.registered_at;
    city.locations.push(service_location::ActiveModel {
        id: Set(location_id),
        customer_number: Set(customer_number.clone()),
        portal_customer_number: Set(portal_number(i).as_str().to_string()),
        search_text: Set(Some(crate::domain::location_search_text(&holder, &address))),
        holder_name: Set(holder.clone()),
        address: Set(address.clone()),
        meter_diameter_mm: Set(diameter),
        use_type: Set(if business {
            UseType::Business
        } else {
            UseType::Household
        }),
        reading_month_parity: Set(parity),
        member_id: Set(member_id),
        linked_at: Set(member_id.map(|_| registered_at)),
        created_at: Set(now - Duration::days(3650)),
        updated_at: Set(now),
    });
    Place {
        i,
        location_id,
        holder,
        address,
        customer_number,
        diameter,
        business,
        member_id,
        parity,
    }
}

/// Running row ids and the day the city is built on.
struct Book {
    tariff: tariff::TariffBook,
    rule: AlertRule,
    today: NaiveDate,
    now: DateTime<Utc>,
    line_labels: [String; 8],
    reading_id: i64,
    bill_id: i64,
    item_id: i64,
}

/// What a location's bills leave for its documents and notices.
struct History {
    latest: Option<Slip>,
    previous_usage: Option<i32>,
    overdue: Option<Overdue>,
}

/// Readings and bills: one per reading, two months apart.
fn add_history(city: &mut City, rng: &mut Rng, book: &mut Book, place: &Place) -> History {
    let (i, business, parity) = (place.i, place.business, place.parity);
    let (location_id, diameter) = (place.location_id, place.diameter);
    let use_type = if place.business {
        UseType::Business
    } else {
        UseType::Household
    };
    let (today, now) = (book.today, book.now);
    let method = match rng.range(0, 99) {
        0..=59 => PaymentMethod::AccountTransfer,
        60..=84 => PaymentMethod::PaymentSlip,
        _ => PaymentMethod::CreditCard,
    };
    let monthly = if business {
        rng.range(40, 160)
    } else {
        rng.range(8, 30)
    };
    let overdue_location = i == 1 || i % 97 == 50;
    let day = reading_day(i);
    let latest = latest_reading_month(today, parity, day);
    let mut meter = rng.range(100, 3000) as i32;
    let mut history = History {
        latest: None,
        previous_usage: None,
        overdue: None,
    };
    let mut usages = Vec::with_capacity(PERIODS as usize);
    for k in 0..PERIODS {
        let index = latest - 2 * (PERIODS - 1 - k);
        let (y, m) = month_of(index);
        let is_latest = k == PERIODS - 1;
        let usage = if i == 0 {
            DEMO_HOME_USAGE[k as usize]
        } else {
            let season = match m {
                7..=9 => 120,
                12 | 1 | 2 => 90,
                _ => 100,
            };
            (2 * monthly * season * rng.range(85, 115) / 10_000) as i32
        };
        // A few locations leak in their latest period: a running toilet
        // triples their use (not from the random stream, so the rest of
        // the city stays as it was).
        let usage = if is_latest && i % LEAKING_EVERY == LEAKING_FROM {
            usage * 3
        } else {
            usage
        };
        usages.push(usage);
        let read_on = reading_date(index, day);
        let previous_read_on = reading_date(index - 2, day);
        book.reading_id += 1;
        city.readings.push(meter_reading::ActiveModel {
            id: Set(book.reading_id),
            service_location_id: Set(location_id),
            read_on: Set(read_on),
            previous_reading: Set(meter),
            current_reading: Set(meter + usage),
            usage_m3: Set(usage),
        });
        meter += usage;

        let in_force = book
            .tariff
            .in_force(read_on)
            .unwrap_or(&book.tariff.revisions()[0]);
        let charges = tariff::charges(in_force, CubicMeters(usage), 2, diameter, use_type);
        let due_date = read_on + Duration::days(DAYS_TO_PAY);
        let bill_of = BillOf {
            i,
            k,
            method,
            overdue_location,
            read_on,
            due_date,
            today,
        };
        let (status, paid_on) = payment(rng, &bill_of);
        if is_latest {
            history.latest = Some(Slip {
                month: format!("{y:04}-{m:02}"),
                usage,
                amount: charges.amount().0,
                read_on,
                due: due_date,
                method,
            });
        } else {
            history.previous_usage = Some(usage);
        }
        if status == PaymentStatus::Overdue {
            history.overdue = Some(Overdue {
                month: format!("{y:04}-{m:02}"),
                amount: charges.amount().0,
                due: due_date,
            });
        }
        book.bill_id += 1;
        city.bills.push(bill::ActiveModel {
            id: Set(book.bill_id),
            service_location_id: Set(location_id),
            meter_reading_id: Set(Some(book.reading_id)),
            billing_month: Set(format!("{y:04}-{m:02}")),
            period_start: Set(previous_read_on),
            period_end: Set(read_on - Duration::days(1)),
            usage_m3: Set(usage),
            water_charge_yen: Set(charges.water.0),
            sewer_charge_yen: Set(charges.sewer.0),
            tax_yen: Set(charges.tax.0),
            amount_yen: Set(charges.amount().0),
            due_date: Set(due_date),
            payment_status: Set(status),
            paid_on: Set(paid_on),
            payment_method: Set(Some(method)),
            issued_at: Set(at_nine_tokyo(read_on + Duration::days(4)).min(now)),
            // The demo's one "import" is its seeding.
            as_of: Set(Some(now)),
        });
        if is_latest {
            // Flagged as an import would flag it (`billing::alerts`).
            let before: Vec<i32> = usages[..usages.len() - 1].iter().rev().copied().collect();
            let last_year = before.get(5).copied();
            if let Some(figures) = book.rule.assess(usage, last_year, &before) {
                let month = format!("{y:04}-{m:02}");
                city.alerts
                    .push(figures.row(location_id, book.bill_id, &month, now));
            }
        }
        for (position, item) in charges.line_items.iter().enumerate() {
            book.item_id += 1;
            city.line_items.push(bill_line_item::ActiveModel {
                id: Set(book.item_id),
                bill_id: Set(book.bill_id),
                position: Set(position as i32 + 1),
                label: Set(book.line_labels[item.kind as usize].clone()),
                amount_yen: Set(item.amount.0),
            });
        }
    }
    history
}

/// One period's bill, as its payment is decided.
#[derive(Clone, Copy)]
struct BillOf {
    i: usize,
    k: i32,
    method: PaymentMethod,
    overdue_location: bool,
    read_on: NaiveDate,
    due_date: NaiveDate,
    today: NaiveDate,
}

/// Whether and when a bill was paid: the latest may still be open, one
/// period of some locations is overdue, some 納付書 payers pay late.
fn payment(rng: &mut Rng, bill: &BillOf) -> (PaymentStatus, Option<NaiveDate>) {
    let BillOf {
        i,
        k,
        method,
        overdue_location,
        read_on,
        due_date,
        today,
    } = *bill;
    let is_latest = k == PERIODS - 1;
    if overdue_location && k == PERIODS - 2 {
        (PaymentStatus::Overdue, None)
    } else if is_latest && due_date >= today {
        if method == PaymentMethod::PaymentSlip && rng.chance(40) {
            (
                PaymentStatus::Paid,
                Some(today.min(read_on + Duration::days(10))),
            )
        } else {
            (PaymentStatus::Unpaid, None)
        }
    } else {
        let paid = match method {
            PaymentMethod::PaymentSlip => due_date - Duration::days(rng.range(0, 12)),
            _ => due_date,
        };
        // Some slip payers pay late, but pay (not from the random
        // stream, so the rest of the city stays as it was).
        let late = method == PaymentMethod::PaymentSlip && (i * 31 + k as usize).is_multiple_of(7);
        let paid = if late {
            due_date + Duration::days(1 + ((i + k as usize) % 14) as i64)
        } else {
            paid
        };
        (PaymentStatus::Paid, Some(paid.min(today)))
    }
}

/// The documents of a member's location, and what the demo member's own
/// notices will say about it.
fn add_member_papers(
    city: &mut City,
    book: &Book,
    place: &Place,
    history: History,
    demo_member: &mut DemoMember,
) {
    let holder = Holder {
        location_id: place.location_id,
        name: &place.holder,
        customer_number: &place.customer_number,
        portal_number: portal_number(place.i).as_str().to_string(),
        address: &place.address,
    };
    add_documents(
        city,
        &holder,
        history.latest.as_ref(),
        history.overdue.as_ref(),
        (place.i == 0)
            .then(|| book.tariff.next_after(book.today))
            .flatten(),
        book.today,
        book.now,
    );
    if place.member_id != Some(1) {
        return;
    }
    if let Some(latest) = &history.latest {
        demo_member.usage.push((
            place.address.clone(),
            latest.month.clone(),
            latest.usage,
            history.previous_usage.unwrap_or(latest.usage),
        ));
    }
    if let Some(overdue) = history.overdue {
        demo_member.overdue.push((place.address.clone(), overdue));
    }
}

/// The latest bill of a location, as its meter-reading slip shows it.
struct Slip {
    month: String,
    usage: i32,
    amount: i64,
    read_on: NaiveDate,
    due: NaiveDate,
    method: PaymentMethod,
}

/// A bill past its due date.
struct Overdue {
    month: String,
    amount: i64,
    due: NaiveDate,
}

/// Whom a location's documents are addressed to.
struct Holder<'a> {
    location_id: i64,
    name: &'a str,
    customer_number: &'a str,
    portal_number: String,
    address: &'a str,
}

/// What the demo member's personal notices say, from their own rows:
/// (address, month, latest usage, previous usage), and overdue bills.
#[derive(Default)]
struct DemoMember {
    usage: Vec<(String, String, i32, i32)>,
    overdue: Vec<(String, Overdue)>,
}

/// 検針のお知らせ, 未納のお知らせ and (for the demo home) 料金改定のお知らせ,
/// in the demo members' language (Japanese), worded by the catalogue.
fn add_documents(
    city: &mut City,
    holder: &Holder<'_>,
    latest: Option<&Slip>,
    overdue: Option<&Overdue>,
    tariff_change: Option<&tariff::Tariff>,
    today: NaiveDate,
    now: DateTime<Utc>,
) {
    let lang = Lang::Ja;
    if let Some(slip) = latest {
        let date = format::date(lang, slip.due);
        let payment = if slip.method == PaymentMethod::AccountTransfer {
            t!(lang, "doc-transfer", date = date)
        } else {
            t!(lang, "doc-due", date = date)
        };
        let month = format::month(lang, &slip.month);
        let body = t!(
            lang,
            "doc-meter-reading-body",
            name = holder.name,
            customer_number = holder.customer_number,
            portal_number = holder.portal_number.as_str(),
            address = holder.address,
            read_on = format::date(lang, slip.read_on),
            usage = format::period_volume(lang, slip.usage.into(), 2),
            amount = format::yen(lang, slip.amount),
            payment = payment
        );
        let title = t!(lang, "doc-meter-reading-title", month = month);
        city.documents.push(pdf_document(
            holder.location_id,
            DocumentKind::MeterReading,
            &title,
            slip.read_on,
            &body,
            now,
        ));
    }
    if let Some(bill) = overdue {
        let month = format::month(lang, &bill.month);
        let body = t!(
            lang,
            "doc-reminder-body",
            name = holder.name,
            customer_number = holder.customer_number,
            address = holder.address,
            month = month.as_str(),
            amount = format::yen(lang, bill.amount),
            due = format::date(lang, bill.due)
        );
        let title = t!(lang, "doc-reminder-title", month = month.as_str());
        city.documents.push(pdf_document(
            holder.location_id,
            DocumentKind::PaymentReminder,
            &title,
            bill.due + Duration::days(10),
            &body,
            now,
        ));
    }
    if let Some(tariff) = tariff_change {
        let (water, sewer) = tariff::household_base_monthly(tariff);
        let body = t!(
            lang,
            "doc-tariff-body",
            name = holder.name,
            customer_number = holder.customer_number,
            effective = format::date(lang, tariff.from),
            water_base = format::yen(lang, water.0),
            sewer_base = format::yen(lang, sewer.0)
        );
        let title = t!(lang, "doc-tariff-title");
        city.documents.push(pdf_document(
            holder.location_id,
            DocumentKind::TariffChange,
            &title,
            today - Duration::days(20),
            &body,
            now,
        ));
    }
}

fn pdf_document(
    location_id: i64,
    kind: DocumentKind,
    title: &str,
    issued_on: NaiveDate,
    body: &str,
    now: DateTime<Utc>,
) -> document::ActiveModel {
    let lines: Vec<String> = body.lines().map(str::to_string).collect();
    let content = crate::documents::pdf::render(&crate::documents::pdf::PdfNotice {
        title,
        lines: &lines,
    });
    document::ActiveModel {
        external_id: Set(None),
        service_location_id: Set(location_id),
        kind: Set(kind),
        title: Set(title.to_string()),
        issued_on: Set(issued_on),
        content_type: Set("application/pdf".into()),
        size_bytes: Set(content.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(&content))),
        content: Set(content),
        created_at: Set(now),
        ..Default::default()
    }
}

/// The portal customer number of the `i`-th demo location: spread out so
/// that numbers of neighbours are not consecutive.
pub fn portal_number(i: usize) -> PortalCustomerNumber {
    PortalCustomerNumber::from_body(20_000_000_000 + (i as u64) * 7_919_311 % 9_999_999_967)
}

/// The demo member's personal notices, from their own data: how the
/// latest usage compares with the one before, and any overdue bill.
fn personal_notices(member: &DemoMember) -> Vec<(String, String)> {
    let lang = Lang::Ja;
    let mut out = vec![];
    if let Some((address, month, usage, previous)) = member.usage.first() {
        let month = format::month(lang, month);
        let usage_text = format::period_volume(lang, (*usage).into(), 2);
        let difference = format::volume(lang, (usage - previous).abs().into());
        let address = address.as_str();
        let body = match usage.cmp(previous) {
            std::cmp::Ordering::Greater => t!(
                lang,
                "demo-notice-usage-more",
                address = address,
                month = month.as_str(),
                usage = usage_text,
                difference = difference
            ),
            std::cmp::Ordering::Less => t!(
                lang,
                "demo-notice-usage-less",
                address = address,
                month = month.as_str(),
                usage = usage_text,
                difference = difference
            ),
            std::cmp::Ordering::Equal => t!(
                lang,
                "demo-notice-usage-same",
                address = address,
                month = month.as_str(),
                usage = usage_text
            ),
        };
        out.push((t!(lang, "demo-notice-usage-title"), body));
    }
    for (address, bill) in &member.overdue {
        let body = t!(
            lang,
            "demo-notice-overdue-body",
            address = address.as_str(),
            month = format::month(lang, &bill.month),
            amount = format::yen(lang, bill.amount),
            due = format::date(lang, bill.due)
        );
        out.push((t!(lang, "demo-notice-overdue-title"), body));
    }
    out
}

/// The city's notices, dated back from today and published within the
/// portal's hours (9:00 in Tokyo), and the demo member's own.
/// `announced` is the day the next tariff revision applies from, if one is.
fn add_notices(
    city: &mut City,
    member: &DemoMember,
    announced: Option<NaiveDate>,
    today: NaiveDate,
    now: DateTime<Utc>,
) {
    let lang = Lang::Ja;
    let day = |d: i64| format::date(lang, today + Duration::days(d));
    let tariff = match announced {
        Some(from) => (
            t!(lang, "demo-notice-tariff-title"),
            t!(
                lang,
                "demo-notice-tariff-body",
                effective = format::date(lang, from)
            ),
        ),
        None => (
            t!(lang, "demo-notice-rates-title"),
            t!(lang, "demo-notice-rates-body"),
        ),
    };
    // Notices of the season the demo is started in: pipes freeze in
    // winter, counters close over the New Year, the newsletter is the
    // quarter's.
    let (month, date) = (today.month(), today.day());
    let seasonal = if matches!(month, 11 | 12 | 1 | 2 | 3) {
        (
            t!(lang, "demo-notice-freeze-title"),
            t!(lang, "demo-notice-freeze-body"),
        )
    } else {
        (
            t!(lang, "demo-notice-save-title"),
            t!(lang, "demo-notice-save-body"),
        )
    };
    let new_year = month == 12 || (month == 11 && date >= 20) || (month == 1 && date <= 3);
    let counters = if new_year {
        (
            t!(lang, "demo-notice-holidays-title"),
            t!(lang, "demo-notice-holidays-body"),
        )
    } else {
        (
            t!(lang, "demo-notice-desk-title"),
            t!(lang, "demo-notice-desk-body"),
        )
    };
    // The newsletter went out 70 days ago: that quarter's issue.
    let season = match (today - Duration::days(70)).month() {
        3..=5 => t!(lang, "season-spring"),
        6..=8 => t!(lang, "season-summer"),
        9..=11 => t!(lang, "season-autumn"),
        _ => t!(lang, "season-winter"),
    };
    // (title, body, days ago, read by the demo member)
    let mut notices: Vec<(String, String, i64, bool, bool)> = vec![
        (tariff.0, tariff.1, 2, false, false),
        (seasonal.0, seasonal.1, 5, false, false),
        (counters.0, counters.1, 12, false, false),
        (
            t!(lang, "demo-notice-maintenance-title"),
            t!(lang, "demo-notice-maintenance-body", date = day(10)),
            20,
            false,
            true,
        ),
        (
            t!(lang, "demo-notice-leak-survey-title"),
            t!(
                lang,
                "demo-notice-leak-survey-body",
                from = day(-28),
                to = day(14)
            ),
            35,
            false,
            true,
        ),
        (
            t!(lang, "demo-notice-transfer-title"),
            t!(lang, "demo-notice-transfer-body"),
            50,
            false,
            true,
        ),
        (
            t!(lang, "demo-notice-newsletter-title", season = season),
            t!(lang, "demo-notice-newsletter-body"),
            70,
            false,
            false,
        ),
        (
            t!(lang, "demo-notice-disaster-title"),
            t!(lang, "demo-notice-disaster-body"),
            100,
            false,
            false,
        ),
    ];
    for (k, (title, body)) in personal_notices(member).into_iter().enumerate() {
        notices.insert(1 + 2 * k, (title, body, 3 + 7 * k as i64, true, false));
    }
    for (n, (title, body, days_ago, personal, read)) in notices.into_iter().enumerate() {
        let id = n as i64 + 1;
        let published_at = (at_nine_tokyo(today - Duration::days(days_ago))
            + Duration::minutes(n as i64))
        .min(now);
        city.notices.push(notice::ActiveModel {
            id: Set(id),
            external_id: Set(Some(format!("demo-{id}"))),
            member_id: Set(personal.then_some(1)),
            title: Set(title),
            body: Set(body),
            published_at: Set(published_at),
        });
        if read {
            city.notice_reads.push(notice_read::ActiveModel {
                member_id: Set(1),
                notice_id: Set(id),
                read_at: Set(published_at + Duration::hours(5)),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_parity_has_its_latest_reading_month() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).expect("valid");
        assert_eq!(month_of(latest_reading_month(day, 1, 8)), (2026, 11));
        assert_eq!(month_of(latest_reading_month(day, 0, 8)), (2026, 10));
        let early = NaiveDate::from_ymd_opt(2026, 11, 3).expect("valid");
        assert_eq!(month_of(latest_reading_month(early, 1, 8)), (2026, 9));
    }

    #[test]
    fn the_demo_city_is_the_same_every_time_and_numbers_are_unique() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).expect("valid");
        let now = crate::clock::now();
        let hashes = || ["a".to_string(), "b".to_string(), "c".to_string()];
        let a = build(300, day, now, hashes(), &crate::city::City::bundled());
        let b = build(300, day, now, hashes(), &crate::city::City::bundled());
        assert_eq!(a.summary(), b.summary());
        assert_eq!(a.bills.len(), 300 * PERIODS as usize);
        let mut numbers: Vec<String> = (0..300)
            .map(|i| portal_number(i).as_str().to_string())
            .collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 300);
    }
}

#[cfg(test)]
mod realism {
    use super::*;
    use chrono::Timelike;

    fn city_on(y: i32, m: u32, d: u32) -> City {
        let today = NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let now = at_nine_tokyo(today) + Duration::hours(14); // 23:00 in Tokyo
        build(
            400,
            today,
            now,
            ["h".into(), "h".into(), "h".into()],
            &crate::city::City::bundled(),
        )
    }

    #[test]
    fn a_city_seeded_in_parts_has_the_rows_of_one_built_whole() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
        let now = at_nine_tokyo(today) + Duration::hours(14);
        let hashes = || ["h".into(), "h".into(), "h".into()];
        let profile = crate::city::City::bundled();
        let whole = build(400, today, now, hashes(), &profile);
        let mut seeder = Seeder::new(400, today, now, hashes(), &profile);
        let mut parts = vec![];
        while seeder.add(7) {
            parts.push(seeder.take_part());
        }
        parts.push(seeder.finish());
        assert!(parts.len() > 50, "{} parts", parts.len());
        // Every row of every table, in order.
        fn rows(city: &City) -> Vec<String> {
            fn each<T: std::fmt::Debug>(v: &[T]) -> impl Iterator<Item = String> + '_ {
                v.iter().map(|r| format!("{r:?}"))
            }
            each(&city.members)
                .chain(each(&city.locations))
                .chain(each(&city.readings))
                .chain(each(&city.bills))
                .chain(each(&city.alerts))
                .chain(each(&city.line_items))
                .chain(each(&city.documents))
                .collect()
        }
        let mut joined: Vec<String> = parts.iter().flat_map(rows).collect();
        let mut whole_rows = rows(&whole);
        // Sorted: within a part the tables follow one another.
        joined.sort();
        whole_rows.sort();
        assert_eq!(joined.len(), whole_rows.len());
        assert!(joined == whole_rows, "the parts differ from the whole city");
        let last = parts.last().expect("a last part");
        assert_eq!(
            format!("{:?}", last.notices),
            format!("{:?}", whole.notices)
        );
        assert!(
            parts[..parts.len() - 1]
                .iter()
                .all(|p| p.staff.is_none() && p.notices.is_empty())
        );
        assert!(last.staff.is_some() && last.import.is_some());
    }

    fn value<T: Clone + Into<sea_orm::Value>>(v: &sea_orm::ActiveValue<T>) -> T {
        match v {
            sea_orm::ActiveValue::Set(x) | sea_orm::ActiveValue::Unchanged(x) => x.clone(),
            sea_orm::ActiveValue::NotSet => panic!("not set"),
        }
    }

    #[test]
    fn on_any_day_some_bills_are_unpaid_and_some_were_paid_late() {
        for (m, d) in [(1, 1), (3, 2), (6, 15), (9, 23), (12, 31)] {
            let city = city_on(2026, m, d);
            let unpaid = city
                .bills
                .iter()
                .filter(|b| value(&b.payment_status) == PaymentStatus::Unpaid)
                .count();
            assert!(unpaid > 0, "unpaid bills on {m}/{d}");
            let late = city
                .bills
                .iter()
                .filter(|b| value(&b.paid_on).is_some_and(|p| p > value(&b.due_date)))
                .count();
            assert!(late > 0, "late payments on {m}/{d}");
        }
    }

    #[test]
    fn readings_are_spread_over_the_month_by_route() {
        let city = city_on(2026, 12, 2);
        let days: std::collections::BTreeSet<u32> = city
            .readings
            .iter()
            .map(|r| value(&r.read_on).day())
            .collect();
        assert!(days.len() >= 8, "{days:?}");
        assert!(days.iter().all(|d| (3..=22).contains(d)), "{days:?}");
    }

    #[test]
    fn notices_are_published_within_service_hours_and_agree_with_the_member() {
        let city = city_on(2026, 12, 2);
        for n in &city.notices {
            let hour = value(&n.published_at).with_timezone(&Tokyo).hour();
            assert!((7..=23).contains(&hour), "published at {hour}時");
        }
        let personal: Vec<String> = city
            .notices
            .iter()
            .filter(|n| value(&n.member_id).is_some())
            .map(|n| value(&n.body))
            .collect();
        assert_eq!(personal.len(), 2, "{personal:?}");
        // The demo home's latest usage is 40 m³ after 43 m³ (DEMO_HOME_USAGE).
        assert!(
            personal[0].contains("40m³（2か月分）") && personal[0].contains("3m³少なく"),
            "{}",
            personal[0]
        );
        assert!(
            personal[1].contains("お支払いが確認できていません"),
            "{}",
            personal[1]
        );
        for text in city.notices.iter().map(|n| value(&n.body)) {
            assert!(
                !text.contains("上下水道局"),
                "the bureau is 金沢市企業局: {text}"
            );
        }
    }
}
