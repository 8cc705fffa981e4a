-- wrk: residents opening their submission with its code and key (the form's
-- body, with its token, comes from BENCH_TRACK_BODY; the cookie from -H).
dofile("bench/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = os.getenv("BENCH_TRACK_BODY")
