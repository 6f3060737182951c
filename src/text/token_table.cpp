#include "text/token_table.h"

#include <algorithm>
#include <cstring>

namespace hitloop::text {

TokenTable::TokenTable(const std::vector<std::pair<std::string_view, int32_t>>& items) {
  size_t capacity = 16;
  shift_ = 60;
  while (capacity < items.size() * 2) {  // load factor <= 1/2
    capacity *= 2;
    --shift_;
  }
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  for (const auto& [key, id] : items) {
    const uint64_t h = hash(key);
    for (size_t i = slot_of(h);; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.id < 0) {
        slot = Slot{h, static_cast<uint32_t>(pool_.size()), static_cast<uint32_t>(key.size()), id};
        pool_.append(key);
        max_key_bytes_ = std::max(max_key_bytes_, key.size());
        break;
      }
      if (slot.hash == h && std::string_view(pool_).substr(slot.offset, slot.length) == key) {
        slot.id = id;
        break;
      }
    }
  }
}

int32_t TokenTable::find(std::string_view key, uint64_t key_hash) const {
  if (slots_.empty()) return -1;
  for (size_t i = slot_of(key_hash);; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.id < 0) return -1;
    if (slot.hash == key_hash && slot.length == key.size() &&
        std::memcmp(pool_.data() + slot.offset, key.data(), key.size()) == 0) {
      return slot.id;
    }
  }
}

}  // namespace hitloop::text
