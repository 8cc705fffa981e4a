-- wrk: staff searching the inbox, each request a different term (Thai
-- words of the generated submissions combined two at a time, and English).
dofile("bench/report.lua")
local words = { "ไฟทาง", "ถนน", "ขยะ", "ท่อระบาย", "น้ำประปา", "สุนัข", "หมู่", "เด็กนักเรียน", "กลางคืน",
  "ผู้ใหญ่บ้าน", "เจ้าหน้าที่", "ตรวจสอบ", "ดำเนินการ", "บริเวณ", "ตลาด", "วัด", "โรงเรียน", "street", "light", "road" }
local function encode(s)
  return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local terms = {}
for i = 1, #words do
  for j = 1, #words do
    if i ~= j then terms[#terms + 1] = encode(words[i] .. " " .. words[j]) end
  end
  terms[#terms + 1] = encode(words[i])
end
local n = 0
request = function()
  n = n % #terms + 1
  return wrk.format("GET", "/staff?q=" .. terms[n])
end
