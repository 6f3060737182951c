#include "auth/auth.h"

#include <sodium.h>

#include <cstdio>
#include <fstream>

#include "core/digest.h"

namespace hitloop::auth {
namespace {

bool init() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::string hex(const unsigned char* p, size_t n) {
  std::string out(n * 2, '0');
  sodium_bin2hex(out.data(), out.size() + 1, p, n);
  return out;
}

}  // namespace

bool valid_role(const std::string& role) { return role == "admin" || role == "reviewer"; }

Result<std::string> hash_password(const std::string& password) {
  if (!init()) return Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool verify_password(const std::string& hash, const std::string& password) {
  return init() && crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_secret(const std::string& prefix) {
  init();
  unsigned char buf[32];
  randombytes_buf(buf, sizeof buf);
  return prefix + hex(buf, sizeof buf);
}

std::string generate_password() {
  init();
  static const char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY345679";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    out.push_back(kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)]);
    if (i % 4 == 3 && i != 15) out.push_back('-');
  }
  return out;
}

std::string secret_hash(const std::string& secret) {
  init();
  const std::string d = Digest(32).update(secret).finish();
  return hex(reinterpret_cast<const unsigned char*>(d.data()), d.size());
}

Result<std::string> read_password_file(const std::string& path) {
  constexpr size_t kMax = 4096;
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read the password file " + path);
  std::string text(kMax + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return InvalidArgument("cannot read the password file " + path);
  if (text.size() > kMax) return InvalidArgument("the password file " + path + " is over 4 KiB");
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty())
    return InvalidArgument("the password file " + path + " starts with an empty line");
  return line;
}

Status create_user(Store& store, const std::string& name, const std::string& role,
                   const std::string& password) {
  if (name.empty() || name.size() > 64 || name.find_first_of(" \t\r\n/") != std::string::npos) {
    return InvalidArgument("user name must be 1-64 characters without spaces or slashes");
  }
  if (!valid_role(role)) return InvalidArgument("role must be admin or reviewer");
  if (password.size() < 8) return InvalidArgument("password must have at least 8 characters");
  HITLOOP_ASSIGN_OR_RETURN(std::string hash, hash_password(password));
  return store.add_user(User{0, name, role, hash});
}

Result<std::string> create_api_key(Store& store, const std::string& name, int64_t now_ms) {
  if (name.empty()) return InvalidArgument("an API key needs a name");
  std::string key = random_secret("hl_");
  HITLOOP_RETURN_IF_ERROR(store.add_api_key(name, secret_hash(key), now_ms));
  return key;
}

}  // namespace hitloop::auth
