//! Password (and secret-answer) hashing with argon2id, off the async runtime
//! and with bounded concurrency, so a burst of logins cannot starve the
//! service of threads or memory.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};

/// OWASP's argon2id minimum: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    // The constants above are valid parameters; `Params::new` only rejects
    // out-of-range values.
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies secrets on a small pool of its own threads, a few
/// at a time.
///
/// Not tokio's blocking pool: each of its (up to 512) threads that ever
/// hashed would keep argon2's 19 MiB in its allocator arena, so a flood of
/// sign-ins would leave the process hundreds of megabytes larger. A fixed
/// set of `PORTAL_HASH_CONCURRENCY` threads reuses the same memory, and the
/// semaphore keeps callers waiting on the runtime, not in a thread queue.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    /// Hashes computed so far (`/metrics`).
    computed: Arc<AtomicU64>,
    /// Checked against when there is no stored hash, so an unknown login ID
    /// costs the same time as a wrong password.
    dummy_hash: Arc<str>,
}

type Job = Box<dyn FnOnce() + Send>;

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").finish_non_exhaustive()
    }
}

impl Hasher {
    /// Starts `concurrency` hashing threads; they end with the last clone.
    pub async fn new(concurrency: usize) -> AppResult<Self> {
        let concurrency = concurrency.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..concurrency {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while taking the next job.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .map_err(AppError::internal)?;
        }
        let mut hasher = Self {
            permits: Arc::new(Semaphore::new(concurrency)),
            jobs,
            computed: Arc::default(),
            dummy_hash: Arc::from(""),
        };
        let dummy = hasher
            .run(|| hash_now("dummy password for unknown accounts"))
            .await??;
        hasher.dummy_hash = dummy.into();
        Ok(hasher)
    }

    /// Hashes `secret` as a PHC string.
    pub async fn hash(&self, secret: String) -> AppResult<String> {
        self.run(move || hash_now(&secret)).await?
    }

    /// Whether `secret` matches `stored`; with no stored hash it spends the
    /// same effort and answers false.
    pub async fn verify(&self, secret: String, stored: Option<String>) -> AppResult<bool> {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.to_string());
        let matched = self.run(move || verify_now(&secret, &hash)).await?;
        Ok(known && matched)
    }

    /// Hashes computed since start.
    pub fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }

    /// Runs `f` on a hashing thread once one of the permits is free.
    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        self.computed.fetch_add(1, Ordering::Relaxed);
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = done.send(f());
            }))
            .map_err(|_| AppError::internal(HashError("the hashing threads stopped".into())))?;
        result.await.map_err(AppError::internal)
    }
}

/// Hashes now, on this thread (for start-up seeding and the hashing threads).
pub fn hash_now(secret: &str) -> AppResult<String> {
    argon2()
        .hash_password(secret.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(HashError(e.to_string())))
}

fn verify_now(secret: &str, hash: &str) -> bool {
    // A stored value that is not a PHC string (an account that cannot sign
    // in) still costs one hash, against the fixed parameters.
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2().verify_password(secret.as_bytes(), &parsed).is_ok(),
        Err(_) => {
            let _ = hash_now(secret);
            false
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
struct HashError(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_own_password_only() {
        let hash = hash_now("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_now("correct horse battery", &hash));
        assert!(!verify_now("correct horse battery!", &hash));
        assert!(!verify_now("anything", "!no-login"));
    }
}
