//! Keys the service makes itself, once, in the database, so every instance
//! shares them and a restart keeps them.

use entity::app_secret;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};

use crate::error::Missing;
use crate::error::{AppError, AppResult};

/// The service's keys.
#[derive(Clone)]
pub struct Secrets {
    /// Picks the decoy secret question for numbers without a member.
    decoy_key: Vec<u8>,
    /// Signs document download links (keyed once, cloned per use).
    link_mac: Hmac<Sha256>,
    /// Keys the identifiers of attempt counters.
    throttle_key: Vec<u8>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(***)")
    }
}

impl Secrets {
    /// Loads the keys, making any that do not exist yet.
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        Ok(Self {
            decoy_key: load_or_create(db, "decoy_question").await?,
            link_mac: Hmac::new_from_slice(&load_or_create(db, "document_links").await?)
                .map_err(|e| AppError::internal(std::io::Error::other(e.to_string())))?,
            throttle_key: load_or_create(db, "throttle_keys").await?,
        })
    }

    /// The keyring attempt counters key identifiers with.
    pub fn keyring(&self) -> crate::auth::throttle::Keyring {
        crate::auth::throttle::Keyring::new(&self.throttle_key)
    }

    /// A keyed hash of `value` for choosing decoys: stable for a value,
    /// unpredictable without the key.
    pub fn decoy_hash(&self, value: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(&self.decoy_key);
        hasher.update(value.as_bytes());
        hasher.finalize().into()
    }
}

impl Secrets {
    fn link_mac(&self, message: &str) -> Hmac<Sha256> {
        let mut mac = self.link_mac.clone();
        mac.update(message.as_bytes());
        mac
    }

    /// The signature of a download link: document, member, expiry.
    pub fn sign_link(&self, message: &str) -> String {
        hex::encode(self.link_mac(message).finalize().into_bytes())
    }

    /// Whether `signature` is the link's, compared in constant time.
    pub fn verify_link(&self, message: &str, signature: &str) -> bool {
        hex::decode(signature).is_ok_and(|sig| self.link_mac(message).verify_slice(&sig).is_ok())
    }
}

async fn load_or_create(db: &impl ConnectionTrait, name: &str) -> AppResult<Vec<u8>> {
    let mut fresh = [0u8; 32];
    rand::rng().fill_bytes(&mut fresh);
    // Two instances starting at once both insert; the first one wins.
    app_secret::Entity::insert(app_secret::ActiveModel {
        name: Set(name.to_string()),
        value: Set(hex::encode(fresh)),
        created_at: Set(crate::clock::now()),
    })
    .on_conflict(
        OnConflict::column(app_secret::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let stored = app_secret::Entity::find_by_id(name.to_string())
        .one(db)
        .await?
        .ok_or(AppError::NotFound(Missing::Other))?;
    hex::decode(stored.value).map_err(AppError::internal)
}
