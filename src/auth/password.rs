//! A user changing their own password: proven with the current one, throttled like a
//! login, and ending the user's other sessions (API tokens keep working).

use std::net::IpAddr;

use async_graphql::{ID, InputObject};

use super::{Auth, Principal, store};
use crate::error::{Error, Result};
use crate::users::{Password, UpdateUserInput, User};

#[derive(InputObject)]
pub struct ChangePasswordInput {
    #[graphql(secret)]
    pub current_password: String,
    #[graphql(secret)]
    pub new_password: String,
}

impl Auth {
    /// Sets the caller's password after checking the current one, and signs the caller
    /// out of every session but the one asking.
    pub async fn change_password(
        &self,
        principal: &Principal,
        input: ChangePasswordInput,
        client: Option<IpAddr>,
    ) -> Result<User> {
        Password::parse(&input.new_password, &["input", "newPassword"])?;
        self.limiter.check(&principal.username, client)?;
        let proven = self
            .users
            .authenticate(&principal.username, &input.current_password)
            .await?;
        if proven.is_none() {
            return Err(Error::bad_input(
                &["input", "currentPassword"],
                "the current password is wrong",
            ));
        }
        let change = UpdateUserInput {
            id: ID(principal.user_id.clone()),
            username: None,
            password: Some(input.new_password),
            role: None,
        };
        let user = self.users.update(&principal.actor(), change).await?;
        store::revoke_sessions_of(
            &self.store,
            crate::users::record_id(&principal.user_id),
            Some(store::record_id(&principal.token_id)),
        )
        .await?;
        self.live.changed(&principal.user_id);
        Ok(user)
    }
}
