// Users, passwords, login tokens and API keys. Passwords are hashed with
// libsodium's crypto_pwhash (Argon2id); tokens and keys are random and only
// their BLAKE2b hashes are stored, so a copy of the database reveals none.
#pragma once

#include <string>

#include "core/status.h"
#include "store/store.h"

namespace hitloop::auth {

constexpr int64_t kLoginTtlMs = 7LL * 24 * 3600 * 1000;

bool valid_role(const std::string& role);

Result<std::string> hash_password(const std::string& password);
bool verify_password(const std::string& hash, const std::string& password);

// 32 random bytes as hex, after `prefix`.
std::string random_secret(const std::string& prefix);
// A readable random password (for the first admin when none was given).
std::string generate_password();
std::string secret_hash(const std::string& secret);

// The password in a file: its first line, without the line end. Refuses an
// empty first line and files over 4 KiB (a password file is never large).
Result<std::string> read_password_file(const std::string& path);

// Checks name and role, hashes the password, stores the user.
Status create_user(Store& store, const std::string& name, const std::string& role,
                   const std::string& password);
// Creates a key; returns it (the only time it exists in clear).
Result<std::string> create_api_key(Store& store, const std::string& name, int64_t now_ms);

}  // namespace hitloop::auth
