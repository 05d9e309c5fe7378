//! The outbox: a mail server that is down loses nothing.

use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{operations, spawn_app_with};

/// A minimal SMTP server that accepts every mail and keeps its text.
async fn fake_smtp(listener: TcpListener, received: Arc<Mutex<Vec<String>>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let received = received.clone();
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let _ = write.write_all(b"220 fake ESMTP\r\n").await;
            let mut data: Option<String> = None;
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(text) = data.as_mut() {
                    if line == "." {
                        received.lock().expect("lock").push(std::mem::take(text));
                        data = None;
                        let _ = write.write_all(b"250 queued\r\n").await;
                    } else {
                        text.push_str(&line);
                        text.push('\n');
                    }
                    continue;
                }
                let verb = line.to_ascii_uppercase();
                let reply: &[u8] = if verb.starts_with("EHLO") || verb.starts_with("HELO") {
                    b"250 fake\r\n"
                } else if verb.starts_with("DATA") {
                    data = Some(String::new());
                    b"354 go ahead\r\n"
                } else if verb.starts_with("QUIT") {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    return;
                } else {
                    b"250 ok\r\n"
                };
                let _ = write.write_all(reply).await;
            }
        });
    }
}

#[tokio::test]
async fn mail_waits_in_the_outbox_while_smtp_is_down_and_goes_out_when_it_is_back() {
    // A port with nothing listening on it (yet).
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        probe.local_addr().expect("addr").port()
    };
    let url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(&[("PORTAL_SMTP_URL", url.as_str())]).await;

    let res = app
        .op(
            &operations("login-screen.graphql"),
            "RequestRegistration",
            json!({ "email": "rain@example.jp" }),
            None,
        )
        .await;
    assert_eq!(res.data()["requestRegistration"]["accepted"], true);

    // Tried and failed: still queued, with the error kept.
    let mut tried = false;
    for _ in 0..50 {
        if app.scalar("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND attempts >= 1 AND last_error IS NOT NULL").await == 1 {
            tried = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        tried,
        "the first attempt failed and the mail is still queued"
    );

    let received = Arc::new(Mutex::new(Vec::new()));
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("rebind the port");
    tokio::spawn(fake_smtp(listener, received.clone()));
    app.wait_until_outbox_is_empty().await;

    let mails = received.lock().expect("lock").clone();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: rain@example.jp"), "{}", mails[0]);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NOT NULL AND to_address = ''"
        )
        .await,
        1
    );
}
