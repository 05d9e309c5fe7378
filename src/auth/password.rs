//! Password (and secret-answer) hashing with argon2id, off the async runtime
//! and with bounded concurrency, so a burst of logins cannot starve the
//! service of threads or memory.

use std::sync::Arc;

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

/// Hashes and verifies secrets on the blocking pool, a few at a time.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Checked against when there is no stored hash, so an unknown login ID
    /// costs the same time as a wrong password.
    dummy_hash: Arc<str>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").finish_non_exhaustive()
    }
}

impl Hasher {
    /// Prepares a hasher that runs at most `concurrency` hashes at once.
    pub async fn new(concurrency: usize) -> AppResult<Self> {
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let dummy = blocking(|| hash_now("dummy password for unknown accounts")).await??;
        Ok(Self {
            permits,
            dummy_hash: dummy.into(),
        })
    }

    /// Hashes `secret` as a PHC string.
    pub async fn hash(&self, secret: String) -> AppResult<String> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        blocking(move || hash_now(&secret)).await?
    }

    /// Whether `secret` matches `stored`; with no stored hash it spends the
    /// same effort and answers false.
    pub async fn verify(&self, secret: String, stored: Option<String>) -> AppResult<bool> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.to_string());
        let matched = blocking(move || verify_now(&secret, &hash)).await?;
        Ok(known && matched)
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(AppError::internal)
}

/// Hashes now, on this thread (for start-up seeding and the blocking pool).
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
