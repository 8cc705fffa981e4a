//! The inbox's search goes through an index on both databases and finds the
//! same things on each: any piece of three or more characters of a subject
//! or details, Thai or English, in any case; `%` and `_` find themselves.

use entity::enums::Role;
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_databases;

async fn searching_finds_pieces_of_thai_and_english_and_only_them(app: TestApp) {
    app.staff("admin", Role::Admin, None).await;
    let admin = app.client([10, 3, 0, 1]);
    admin.login("admin").await;
    let mut codes = Vec::new();
    for (subject, details) in [
        ("ท่อระบายน้ำอุดตัน", "หน้าวัดชลคราม น้ำท่วมขังทุกครั้งที่ฝนตก"),
        ("Street light broken", "The STREETLIGHT on Moo 3 is dark"),
        ("ส่วนลด 50% ค่าน้ำ", "ขอส่วนลด 50% สำหรับผู้สูงอายุ"),
        ("ถนน_ลูกรัง", "ฝุ่นมาก"),
        ("ขยะล้นถัง", "ถังขยะหน้าตลาดไม่มีคนเก็บ"),
    ] {
        codes.push(app.submit(json!({"kind": "complaint", "subject": subject, "details": details})).await.1);
    }
    // Which of the five submissions a search lists.
    let found = |term: &str| {
        let path = format!("/staff?q={}", form_urlencoded::byte_serialize(term.as_bytes()).collect::<String>());
        let (admin, codes) = (&admin, &codes);
        async move {
            let body = admin.get(&path).await.body;
            codes
                .iter()
                .enumerate()
                .filter(|(_, code)| body.contains(code.as_str()))
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        }
    };
    for (term, expected) in [
        ("ระบายน้ำ", vec![0]), // inside a Thai word
        ("ชลคราม", vec![0]),  // in the details
        ("street", vec![1]),  // any case
        ("STREETLIGHT", vec![1]),
        ("ight bro", vec![1]), // across a space
        ("50%", vec![2]),      // % is itself
        ("0% ค่า", vec![2]),
        ("น_ล", vec![3]), // _ is itself
        ("%_%", vec![]),
        ("ขยะ", vec![4]),
        ("ตัน หน้า", vec![]), // never across subject and details
        ("ไม่มีในระบบ", vec![]),
    ] {
        assert_eq!(found(term).await, expected, "searching {term:?}");
    }
}

async fn a_common_term_counts_its_first_matches_and_says_so(app: TestApp) {
    app.staff("admin", Role::Admin, None).await;
    let admin = app.client([10, 3, 0, 2]);
    admin.login("admin").await;
    for n in 0..201 {
        app.submit(json!({"kind": "complaint", "subject": format!("ไฟกิ่งดับ จุดที่ {n}"), "details": "ดับทั้งซอย"})).await;
    }
    app.submit(json!({"kind": "complaint", "subject": "ไฟกิ่งดับ อีกจุด", "details": "ดับทั้งซอย"})).await;
    let page = admin.get("/staff?q=%E0%B9%84%E0%B8%9F%E0%B8%81%E0%B8%B4%E0%B9%88%E0%B8%87").await.body;
    assert!(page.contains("นับจากรายการที่ตรงกันได้สูงสุด 200 รายการ"), "a search's counts stop at 200 and say so");
    assert!(page.contains("<span class=\"count\">200+</span>"), "the counts read 200+");

    let few = admin.get("/staff?q=%E0%B8%AD%E0%B8%B5%E0%B8%81%E0%B8%88%E0%B8%B8%E0%B8%94").await.body;
    assert!(!few.contains("นับจากรายการที่ตรงกัน"), "a rare term is counted whole");
}

on_both_databases!(
    searching_finds_pieces_of_thai_and_english_and_only_them,
    a_common_term_counts_its_first_matches_and_says_so
);
