//! Password (and secret-answer) hashing with argon2id, off the async runtime
//! and with bounded concurrency, so a burst of logins cannot starve the
//! service of threads or memory.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore as _;
use tokio::sync::Semaphore;

use super::throttle::Keyring;
use crate::error::{AppError, AppResult};

/// OWASP's argon2id minimum: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn params() -> Params {
    // The constants above are valid parameters; `Params::new` only rejects
    // out-of-range values.
    Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default()
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
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
    /// Keys identifiers for attempt counters (cheap: no argon2).
    keyring: Keyring,
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
    pub async fn new(concurrency: usize, keyring: Keyring) -> AppResult<Self> {
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
            keyring,
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

    /// The keyed hashing of identifiers for attempt counters.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
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

thread_local! {
    /// This thread's argon2 memory, kept for its next hash. argon2's own
    /// `hash_password` allocates 19 MiB for every hash, and glibc does not
    /// reuse those aligned allocations well: measured, each hash left the
    /// process about 19 MiB larger until a dozen were held. One buffer per
    /// hashing thread bounds it at `PORTAL_HASH_CONCURRENCY` × 19 MiB.
    /// (The buffer holds the last hash's state until the next overwrites it;
    /// it never leaves the process.)
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 with this thread's memory, sized for `params`.
fn compute(
    argon2: &Argon2<'_>,
    params: &Params,
    secret: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    MEMORY.with_borrow_mut(|memory| {
        let blocks = params.block_count();
        if memory.len() != blocks {
            *memory = vec![Block::default(); blocks];
        }
        argon2.hash_password_into_with_memory(secret, salt, out, &mut memory[..])
    })
}

/// Hashes now, on this thread (for start-up seeding and the hashing threads).
pub fn hash_now(secret: &str) -> AppResult<String> {
    let fail = |e: &dyn std::fmt::Display| AppError::internal(HashError(e.to_string()));
    let params = params();
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let mut out = [0u8; 32];
    compute(&argon2(), &params, secret.as_bytes(), &salt, &mut out).map_err(|e| fail(&e))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| fail(&e))?),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(hash.to_string())
}

fn verify_now(secret: &str, hash: &str) -> bool {
    // A stored value that is not an argon2 PHC string (an account that
    // cannot sign in) still costs one hash, against the fixed parameters.
    verify_parsed(secret, hash).unwrap_or_else(|| {
        let _ = hash_now(secret);
        false
    })
}

/// Whether `secret` matches the PHC string `hash` (compared in constant
/// time); `None` when `hash` is not one.
fn verify_parsed(secret: &str, hash: &str) -> Option<bool> {
    let parsed = PasswordHash::new(hash).ok()?;
    let params = Params::try_from(&parsed).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).ok()?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::default(),
    };
    let (salt, expected) = (parsed.salt?, parsed.hash?);
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    compute(&argon2, &params, secret.as_bytes(), salt.as_ref(), &mut out).ok()?;
    Some(Output::new(&out).ok()? == expected)
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

    #[test]
    fn hashes_agree_with_the_argon2_crates_own_in_both_directions() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        // Stored before the memory was kept per thread: the crate's own path.
        let stored = argon2()
            .hash_password(b"correct horse battery")
            .expect("hashes")
            .to_string();
        assert!(verify_now("correct horse battery", &stored));
        assert!(!verify_now("correct horse batter", &stored));
        let ours = hash_now("correct horse battery").expect("hashes");
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(
            argon2()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
    }
}
