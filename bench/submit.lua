-- wrk: residents sending complaints through the JSON API.
dofile("bench/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"complaint","subject":"ถนนเป็นหลุมหน้าตลาด",'
  .. '"details":"ถนนสายหลักหมู่ 5 เป็นหลุมลึก รถจักรยานยนต์ล้มบ่อยในช่วงกลางคืน","location":"หมู่ 5 ถนนชลคราม"}'
