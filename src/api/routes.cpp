#include "api/routes.hpp"

namespace ocean::api {

void RegisterRoutes(http::Router& router, Api& api) {
  using http::Method;
  using http::PathParams;
  using http::Request;
  const auto get = [&](const char* pattern, http::Response (Api::*method)(const Request&)) {
    router.Add(Method::kGet, pattern, [&api, method](const Request& request, const PathParams&) {
      return (api.*method)(request);
    });
  };
  get("/api/health/", &Api::Health);
  get("/api/locations/", &Api::ListLocations);
  router.Add(Method::kGet, "/api/locations/{id}/",
             [&api](const Request& request, const PathParams& params) {
               return api.GetLocation(request, params.find("id")->second);
             });
  get("/api/parameters/", &Api::ListParameters);
  get("/api/observations/", &Api::ListObservations);
  get("/api/observations/latest/", &Api::LatestObservations);
  get("/api/observations/series/", &Api::Series);
  // The key and the media type are checked from the head, so a refused body is never read.
  router.Add(
      Method::kPost, "/api/observations/ingest/",
      [&api](const Request& request, const PathParams&) { return api.Ingest(request); },
      [&api](const Request& head, const PathParams&) { api.AdmitIngest(head); });
  router.Add(
      Method::kPost, "/api/admin/cleanup/",
      [&api](const Request& request, const PathParams&) { return api.AdminCleanup(request); },
      [&api](const Request& head, const PathParams&) { api.AdmitAdmin(head); });
  get("/api/heatwaves/", &Api::Heatwaves);
  get("/api/sources/", &Api::ListSources);
  get("/api/openapi.json", &Api::OpenApi);
}

}  // namespace ocean::api
