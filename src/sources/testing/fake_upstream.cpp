#include "sources/testing/fake_upstream.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ocean::sources::testing {

std::string ReadFixture(std::string_view relative) {
  const std::string path = std::string(OCEAN_FIXTURES_DIR) + "/" + std::string(relative);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

FakeUpstream::FakeUpstream()
    : server_([this](http::Request& request) { return Handle(request); }) {}

FakeUpstream::~FakeUpstream() = default;

std::string FakeUpstream::BaseUrl() const { return server_.BaseUrl(); }

void FakeUpstream::Serve(std::string path, FakeResponse response, std::string target_contains) {
  std::lock_guard lock(mutex_);
  routes_.push_back({std::move(path), std::move(target_contains), std::move(response)});
}

void FakeUpstream::FailNext(const std::string& path, int count, const FakeResponse& response) {
  std::lock_guard lock(mutex_);
  auto& queue = failures_[path];
  for (int i = 0; i < count; ++i) queue.push_back(response);
}

int FakeUpstream::RequestCount(std::string_view path) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(),
                                        [&](const RecordedRequest& r) { return r.path == path; }));
}

std::vector<RecordedRequest> FakeUpstream::Requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

http::Response FakeUpstream::Handle(http::Request& request) {
  FakeResponse answer;
  bool found = false;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back({std::string(http::ToString(request.method)), request.target, request.path,
                         std::string(request.HeaderValue("User-Agent")),
                         std::string(request.HeaderValue("Authorization")),
                         std::string(request.HeaderValue("Content-Type")), request.body});
    if (auto it = failures_.find(request.path); it != failures_.end() && !it->second.empty()) {
      answer = it->second.front();
      it->second.pop_front();
      found = true;
    }
    for (auto route = routes_.rbegin(); !found && route != routes_.rend(); ++route) {
      if (route->path == request.path &&
          request.target.find(route->target_contains) != std::string::npos) {
        answer = route->response;
        found = true;
      }
    }
  }
  if (!found) {
    answer.status = 404;
    answer.content_type = std::string(kErrorType);
    answer.body = "fake upstream: no route for " + request.path;
  }
  if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
  http::Response response;
  response.status = answer.status;
  response.content_type = answer.content_type;
  response.body = std::move(answer.body);
  response.headers = std::move(answer.headers);
  return response;
}

}  // namespace ocean::sources::testing
