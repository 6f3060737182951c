#include "core/status.h"

namespace hitloop {

StatusMapping status_mapping(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return {0, 200, "ok"};
    case StatusCode::kInvalidArgument:
      return {2, 400, "invalid_argument"};
    case StatusCode::kNotFound:  // the user named a model, session or file that is not there
      return {2, 404, "not_found"};
    case StatusCode::kAlreadyExists:
      return {2, 409, "conflict"};
    case StatusCode::kUnauthenticated:
      return {2, 401, "unauthenticated"};
    case StatusCode::kPermissionDenied:
      return {2, 403, "permission_denied"};
    case StatusCode::kFailedPrecondition:
      return {1, 503, "unavailable"};
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      break;
  }
  return {1, 500, "internal"};
}

}  // namespace hitloop
