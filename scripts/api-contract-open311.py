"""A GeoReport v2 client's view of Siang, run by scripts/api-contract.

Reads go through `georeport` (PyPI), in JSON and in XML. georeport 0.3.1 has
no call to post a request (Code for America's `three` and `open311` are
Python 2 only), so the post is the standard's form POST made with
`requests`, the library georeport is built on. Staff publish the request
through the staff pages, as a person would, and the client reads it back.
"""

import argparse
import os
import re
import sys

import requests
from georeport import GeoReport


def check(condition, message):
    if not condition:
        sys.exit(f"api-contract (Open311): {message}")
    print(f"  ok: {message}")


def hidden(page, name):
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    check(found is not None, f"the page has its {name} field")
    return found.group(1)


def publish_as_staff(base, username, password, request_id, summary):
    staff = requests.Session()
    login = staff.get(f"{base}/staff/login")
    answer = staff.post(
        f"{base}/staff/login",
        data={"_csrf": hidden(login.text, "_csrf"), "username": username, "password": password},
        allow_redirects=False,
    )
    check(answer.status_code == 303, "staff log in")
    inbox = staff.get(f"{base}/staff", params={"channel": "open311"}).text
    found = re.search(rf'href="/staff/submissions/(\d+)">{re.escape(request_id)}<', inbox)
    check(found is not None, f"staff find {request_id} in the inbox")
    item = f"{base}/staff/submissions/{found.group(1)}"
    page = staff.get(item).text
    check(request_id in page, "the submission's page names it")
    answer = staff.post(
        f"{item}/publish",
        data={
            "_csrf": hidden(page, "_csrf"),
            "summary_th": summary,
            "summary_en": "Street light out at Moo 3",
            "outcome_th": "",
            "outcome_en": "",
        },
        allow_redirects=False,
    )
    check(answer.status_code == 303, "staff publish a summary of it")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--staff", required=True)
    args = parser.parse_args()
    password = os.environ["API_CONTRACT_PASSWORD"]
    root = f"{args.base}/open311/v2"
    client = GeoReport(root, api_key=args.key)
    client_xml = GeoReport(root, api_key=args.key, output_format="xml")

    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    check("complaint" in codes, f"services list the kinds: {codes[:3]}")
    check(not any("corruption" in c for c in codes), "corruption reports are not a service")
    xml_services = client_xml.get_service_list()
    xml_services = xml_services if isinstance(xml_services, list) else [xml_services]
    check([s["service_code"] for s in xml_services] == codes, "the XML list is the JSON list")
    definition = client.get_service_definition("complaint")
    check(definition["service_code"] == "complaint", "a service definition reads")
    check(client_xml.get_service_definition("complaint")["service_code"] == "complaint", "and in XML")

    description = "ไฟทางดับหน้าศาลาประชาคมหมู่ 3 มาสามคืนแล้ว"
    posted = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": args.key,
            "service_code": "complaint",
            "description": description,
            "lat": "13.7563",
            "long": "100.5018",
        },
    )
    check(posted.status_code == 201, f"a request is posted with the key ({posted.status_code})")
    request_id = posted.json()[0]["service_request_id"]
    refused = requests.post(
        f"{root}/requests.json",
        data={"api_key": args.key + "x", "service_code": "complaint", "description": description},
    )
    check(refused.status_code == 403, "a wrong key is refused")

    try:
        client.get_service_request(request_id)
        check(False, "an unpublished request is not readable")
    except requests.HTTPError as err:
        check(err.response.status_code == 404, "an unpublished request is not readable")

    summary = "ไฟทางดับที่หมู่ 3"
    publish_as_staff(args.base, args.staff, password, request_id, summary)

    read = client.get_service_request(request_id)
    check(read["service_request_id"] == request_id, f"the published request {request_id} reads back")
    check(read["description"] == summary, "its description is the staff's public summary")
    check(read["status"] == "open", "its status is open")
    check(description not in str(read), "the resident's own words stay private")
    listed = client.get_service_requests(service_code="complaint", status="open")
    check(request_id in [r["service_request_id"] for r in listed], "it is listed with the standard's filters")
    read_xml = client_xml.get_service_request(request_id)
    check(read_xml["service_request_id"] == request_id and read_xml["status"] == "open", "and reads back in XML")
    listed_xml = client_xml.get_service_requests(service_request_id=request_id)
    listed_xml = listed_xml if isinstance(listed_xml, list) else [listed_xml]
    check([r["service_request_id"] for r in listed_xml] == [request_id], "the XML list finds it by id")


if __name__ == "__main__":
    main()
