//! Batches user look-ups from nested fields (a token's owner) into one store query.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use super::{User, Users};
use crate::error::Error;

pub struct UserLoader(pub Users);

impl Loader<String> for UserLoader {
    type Value = User;
    type Error = std::sync::Arc<Error>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, User>, Self::Error> {
        let users = self.0.get_many(keys).await.map_err(std::sync::Arc::new)?;
        Ok(users
            .into_iter()
            .map(|user| (user.id.to_string(), user))
            .collect())
    }
}
