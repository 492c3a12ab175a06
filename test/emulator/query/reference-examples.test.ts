/**
 * The examples of Microsoft's query reference for Azure Cosmos DB for NoSQL (one page per
 * clause, keyword and system function): the page's sample items, its query, and the output the
 * page documents, run through the engine exactly as the handlers run it.
 */
import { describe, expect, it } from "vitest";
import { runQuery } from "../../../src/emulator/query/sql-query";

type Item = Record<string, unknown>;

/** The documented output of `query` over `items` (each given a `_rid` as stored items have). */
const run = (query: string, items: Item[] = []): unknown[] =>
  runQuery(
    items.map((item, index) => ({ ...item, _rid: `rid${index}` })),
    { query },
    undefined,
    undefined,
  ).results;

const employees: Item[] = [
  { id: "3548979698", name: "Jordan Mitchell", capabilities: { softwareDevelopment: "python", mediaTrained: true } },
  { id: "4228924547", name: "Mikaela Lee", capabilities: { softwareDevelopment: "javascript", mediaTrained: false } },
  { id: "2941063066", name: "Graham Barnes", capabilities: { softwareDevelopment: "c-sharp", mediaTrained: true } },
  { id: "9318573296", name: "Hayden Cook", capabilities: { softwareDevelopment: "javascript", mediaTrained: true } },
  { id: "3601062997", name: "Morgan Connors", capabilities: { mediaTrained: true } },
  { id: "7074932233", name: "Devon Torres", capabilities: { softwareDevelopment: "python", mediaTrained: false } },
  { id: "3798545532", name: "Sam Centrell", capabilities: { softwareDevelopment: "javascript", mediaTrained: true } },
].map((employee) => ({ ...employee, team: "Cloud software engineering" }));

describe("GROUP BY", () => {
  it("groups by one property; the group without it projects as {}", () => {
    const query = `SELECT e.capabilities.softwareDevelopment AS developmentLang FROM employees e
      WHERE e.team = "Cloud software engineering" GROUP BY e.capabilities.softwareDevelopment`;
    expect(run(query, employees)).toEqual([
      {},
      { developmentLang: "c-sharp" },
      { developmentLang: "javascript" },
      { developmentLang: "python" },
    ]);
  });

  it("counts each group", () => {
    const query = `SELECT COUNT(1) AS trainedEmployees, e.capabilities.softwareDevelopment AS developmentLang
      FROM employees e WHERE e.team = "Cloud software engineering" GROUP BY e.capabilities.softwareDevelopment`;
    expect(run(query, employees)).toEqual([
      { trainedEmployees: 1 },
      { trainedEmployees: 1, developmentLang: "c-sharp" },
      { trainedEmployees: 3, developmentLang: "javascript" },
      { trainedEmployees: 2, developmentLang: "python" },
    ]);
  });

  it("groups by two properties (the page lists the groups in no particular order)", () => {
    const query = `SELECT COUNT(1) AS employeesWithThisTraining, e.capabilities.softwareDevelopment AS developmentLang,
      e.capabilities.mediaTrained AS mediaReady FROM employees e WHERE e.team = "Cloud software engineering"
      GROUP BY e.capabilities.softwareDevelopment, e.capabilities.mediaTrained`;
    const documented = [
      { employeesWithThisTraining: 1, developmentLang: "python", mediaReady: true },
      { employeesWithThisTraining: 1, developmentLang: "javascript", mediaReady: false },
      { employeesWithThisTraining: 1, developmentLang: "c-sharp", mediaReady: true },
      { employeesWithThisTraining: 2, developmentLang: "javascript", mediaReady: true },
      { employeesWithThisTraining: 1, mediaReady: true },
      { employeesWithThisTraining: 1, developmentLang: "python", mediaReady: false },
    ];
    const results = run(query, employees);
    expect(results).toHaveLength(documented.length);
    expect(results).toEqual(expect.arrayContaining(documented));
  });
});

describe("FROM, ORDER BY, OFFSET LIMIT, aggregates", () => {
  it("FROM: projects nested objects as they are", () => {
    const items = [
      { id: "3719350841", name: "Tijana Stanković", workLocation: { office: "Redmond, WA" }, team: "Tech support" },
      { id: "6072808750", name: "Jean Nadeau", workLocation: { type: "Remote" }, team: "Tech support" },
    ];
    const query = `SELECT VALUE { name: e.name, location: e.workLocation } FROM employees e WHERE e.team = "Tech support"`;
    expect(run(query, items)).toEqual([
      { name: "Tijana Stanković", location: { office: "Redmond, WA" } },
      { name: "Jean Nadeau", location: { type: "Remote" } },
    ]);
  });

  it("ORDER BY ... DESC on a nested property", () => {
    const items = [
      { id: "7600090320", name: { first: "Casey", last: "Jensen" }, team: "Human resources" },
      { id: "8263106050", name: { first: "Amari", last: "Rivera" }, team: "Human resources" },
      { id: "8699698812", name: { first: "Kayla", last: "Lewis" }, team: "Human resources" },
    ];
    const query = `SELECT VALUE { firstName: e.name.first, lastName: e.name.last } FROM employees e
      WHERE e.team = "Human resources" ORDER BY e.name.last DESC`;
    expect(run(query, items)).toEqual([
      { firstName: "Amari", lastName: "Rivera" },
      { firstName: "Kayla", lastName: "Lewis" },
      { firstName: "Casey", lastName: "Jensen" },
    ]);
  });

  it("OFFSET 2 LIMIT 2 after ORDER BY", () => {
    const items = ["Sawyer Miller", "Jennifer Wilkins", "Hannah Haynes", "Isaac Talbot", "Riley Johnson"].map(
      (name, index) => ({ id: String(index), name, team: "Leadership team" }),
    );
    const query = `SELECT VALUE { name: e.name } FROM employees e WHERE e.team = "Leadership team"
      ORDER BY e.name OFFSET 2 LIMIT 2`;
    expect(run(query, items)).toEqual([{ name: "Jennifer Wilkins" }, { name: "Riley Johnson" }]);
  });

  it("MIN over a filtered set", () => {
    const items = [
      { id: "5509201658", price: 87.66, name: "Genish bracelet", category: "fashion-bracelet" },
      { id: "9888912168", price: 27.6, name: "Plative bracelet", category: "fashion-bracelet" },
    ];
    const query = `SELECT MIN(p.price) AS minPrice FROM products p WHERE p.category = "fashion-bracelet"`;
    expect(run(query, items)).toEqual([{ minPrice: 27.6 }]);
  });

  it("IIF picks a property per item", () => {
    const items = [
      {
        id: "1",
        name: "Estrel Set Cutlery",
        onSale: true,
        category: "camp-utensils",
        pricing: { msrp: 55.95, sale: 30.85 },
      },
      {
        id: "2",
        name: "Willagno Spork",
        onSale: false,
        category: "camp-utensils",
        pricing: { msrp: 20.15, sale: 12.55 },
      },
    ];
    const query = `SELECT p.name, IIF(p.onSale, p.pricing.sale, p.pricing.msrp) AS price FROM products p
      WHERE p.category = "camp-utensils"`;
    expect(run(query, items)).toEqual([
      { name: "Estrel Set Cutlery", price: 30.85 },
      { name: "Willagno Spork", price: 20.15 },
    ]);
  });

  it("ObjectToArray with its own key and value names", () => {
    const items = [
      { id: "5459459234", name: "Witalica helmet", quantities: { small: 15, medium: 24, large: 2, xlarge: 0 } },
    ];
    const query = `SELECT p.name, ObjectToArray(p.quantities, "size", "quantity") AS quantitiesBySize FROM products p`;
    expect(run(query, items)).toEqual([
      {
        name: "Witalica helmet",
        quantitiesBySize: [
          { size: "small", quantity: 15 },
          { size: "medium", quantity: 24 },
          { size: "large", quantity: 2 },
          { size: "xlarge", quantity: 0 },
        ],
      },
    ]);
  });
});

describe("keywords", () => {
  const prices = [
    { id: "1", price: 20.0 },
    { id: "2", price: 7.5 },
  ];

  it("BETWEEN in WHERE and in SELECT", () => {
    expect(run("SELECT VALUE p.price FROM products p WHERE p.price BETWEEN 17.25 AND 25.50", prices)).toEqual([20]);
    expect(run("SELECT (p.price BETWEEN 0 AND 10) AS booleanLessThanTen, p.price FROM products p", prices)).toEqual([
      { booleanLessThanTen: false, price: 20 },
      { booleanLessThanTen: true, price: 7.5 },
    ]);
  });

  it("DISTINCT, with {} for the items that lack the property", () => {
    const items = [{ category: "Accessories" }, { category: "Tools" }, { category: "Accessories" }, { name: "x" }];
    expect(run("SELECT DISTINCT VALUE p.category FROM products p", items)).toEqual(["Accessories", "Tools"]);
    const rows = run("SELECT DISTINCT p.category FROM products p", items);
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(expect.arrayContaining([{}, { category: "Accessories" }, { category: "Tools" }]));
  });

  it("LIKE with %, _, [ ] and [^ ], NOT LIKE, and ESCAPE", () => {
    const items = [
      { name: "Road bike", description: "20% off" },
      { name: "fruit juice", description: "200 off" },
      { name: "screwdriver set", description: "SOAPS" },
    ];
    expect(run(`SELECT VALUE p.name FROM products p WHERE p.name LIKE "%driver%"`, items)).toEqual(["screwdriver set"]);
    expect(run(`SELECT VALUE p.name FROM products p WHERE p.name LIKE "fruit%"`, items)).toEqual(["fruit juice"]);
    expect(run(`SELECT VALUE p.name FROM products p WHERE p.name LIKE "%bike"`, items)).toEqual(["Road bike"]);
    expect(run(`SELECT VALUE p.name FROM products p WHERE p.name NOT LIKE "%bike"`, items)).toEqual([
      "fruit juice",
      "screwdriver set",
    ]);
    expect(run(`SELECT VALUE p.name FROM products p WHERE p.description LIKE "%20^%%" ESCAPE "^"`, items)).toEqual([
      "Road bike",
    ]);
    expect(run(`SELECT VALUE p.name FROM products p WHERE p.description LIKE "%20[%]%"`, items)).toEqual(["Road bike"]);
    expect(run(`SELECT VALUE p.name FROM products p WHERE p.description LIKE "SO_PS"`, items)).toEqual([
      "screwdriver set",
    ]);
    expect(run(`SELECT VALUE p.name FROM products p WHERE p.description LIKE "SO[t-z]PS"`, items)).toEqual([]);
    expect(run(`SELECT VALUE p.name FROM products p WHERE p.description LIKE "SO[^abc]PS"`, items)).toEqual([
      "screwdriver set",
    ]);
  });
});

describe("system functions", () => {
  it("IS_INTEGER: 64-bit integers only", () => {
    expect(
      run(`SELECT VALUE { smallDecimalValue: IS_INTEGER(3454.123), integerValue: IS_INTEGER(5523432),
        minIntegerValue: IS_INTEGER(-9223372036854775808), maxIntegerValue: IS_INTEGER(9223372036854775807),
        outOfRangeValue: IS_INTEGER(18446744073709551615) }`),
    ).toEqual([
      {
        smallDecimalValue: false,
        integerValue: true,
        minIntegerValue: true,
        maxIntegerValue: true,
        outOfRangeValue: false,
      },
    ]);
  });

  it("DateTimeAdd", () => {
    const at = `"2020-07-03T00:00:00.0000000"`;
    expect(
      run(`SELECT VALUE { addOneYear: DateTimeAdd("yyyy", 1, ${at}), addOneMonth: DateTimeAdd("mm", 1, ${at}),
        addOneDay: DateTimeAdd("dd", 1, ${at}), addOneHour: DateTimeAdd("hh", 1, ${at}),
        subtractOneYear: DateTimeAdd("yyyy", -1, ${at}), subtractOneMonth: DateTimeAdd("mm", -1, ${at}),
        subtractOneDay: DateTimeAdd("dd", -1, ${at}), subtractOneHour: DateTimeAdd("hh", -1, ${at}),
        modifySecondsExpression: DateTimeAdd("ss", 5 * -5, ${at}) }`),
    ).toEqual([
      {
        addOneYear: "2021-07-03T00:00:00.0000000Z",
        addOneMonth: "2020-08-03T00:00:00.0000000Z",
        addOneDay: "2020-07-04T00:00:00.0000000Z",
        addOneHour: "2020-07-03T01:00:00.0000000Z",
        subtractOneYear: "2019-07-03T00:00:00.0000000Z",
        subtractOneMonth: "2020-06-03T00:00:00.0000000Z",
        subtractOneDay: "2020-07-02T00:00:00.0000000Z",
        subtractOneHour: "2020-07-02T23:00:00.0000000Z",
        modifySecondsExpression: "2020-07-02T23:59:35.0000000Z",
      },
    ]);
  });

  it("DateTimeDiff counts boundaries; an unknown part gives undefined", () => {
    const later = `"2019-02-04T16:00:00.0000000"`;
    const earlier = `"2018-03-05T05:00:00.0000000"`;
    expect(
      run(`SELECT VALUE { diffPastYears: DateTimeDiff("yyyy", ${later}, ${earlier}),
        diffPastMonths: DateTimeDiff("mm", ${later}, ${earlier}), diffPastDays: DateTimeDiff("diffDays", ${later}, ${earlier}),
        diffPastHours: DateTimeDiff("hh", ${later}, ${earlier}), diffPastSeconds: DateTimeDiff("ss", ${later}, ${earlier}),
        diffFutureYears: DateTimeDiff("yyyy", ${earlier}, ${later}), diffFutureMonths: DateTimeDiff("mm", ${earlier}, ${later}),
        diffFutureHours: DateTimeDiff("hh", ${earlier}, ${later}), diffFutureSeconds: DateTimeDiff("ss", ${earlier}, ${later}) }`),
    ).toEqual([
      {
        diffPastYears: -1,
        diffPastMonths: -11,
        diffPastHours: -8075,
        diffPastSeconds: -29070000,
        diffFutureYears: 1,
        diffFutureMonths: 11,
        diffFutureHours: 8075,
        diffFutureSeconds: 29070000,
      },
    ]);
  });

  it("DateTimeBin, from the Unix epoch and from another origin", () => {
    const at = `"2021-01-08T18:35:00.0000000"`;
    expect(
      run(`SELECT VALUE { binDay: DateTimeBin(${at}, "dd"), binHour: DateTimeBin(${at}, "hh"),
        binSecond: DateTimeBin(${at}, "ss"), binFiveHours: DateTimeBin(${at}, "hh", 5),
        binSevenDaysUnixEpoch: DateTimeBin(${at}, "dd", 7),
        binSevenDaysWindowsEpoch: DateTimeBin(${at}, "dd", 7, "1601-01-01T00:00:00.0000000") }`),
    ).toEqual([
      {
        binDay: "2021-01-08T00:00:00.0000000Z",
        binHour: "2021-01-08T18:00:00.0000000Z",
        binSecond: "2021-01-08T18:35:00.0000000Z",
        binFiveHours: "2021-01-08T15:00:00.0000000Z",
        binSevenDaysUnixEpoch: "2021-01-07T00:00:00.0000000Z",
        binSevenDaysWindowsEpoch: "2021-01-04T00:00:00.0000000Z",
      },
    ]);
  });

  it("DateTimeFromParts; invalid parts give undefined", () => {
    expect(
      run(`SELECT VALUE { constructMinArguments: DateTimeFromParts(2017, 4, 20),
        constructMinEquivalent: DateTimeFromParts(2017, 4, 20, 0, 0, 0, 0),
        constructAllArguments: DateTimeFromParts(2017, 4, 20, 13, 15, 20, 3456789),
        constructPartialArguments: DateTimeFromParts(2017, 4, 20, 13, 15),
        constructInvalidArguments: DateTimeFromParts(-2000, -1, -1) }`),
    ).toEqual([
      {
        constructMinArguments: "2017-04-20T00:00:00.0000000Z",
        constructMinEquivalent: "2017-04-20T00:00:00.0000000Z",
        constructAllArguments: "2017-04-20T13:15:20.3456789Z",
        constructPartialArguments: "2017-04-20T13:15:00.0000000Z",
      },
    ]);
  });

  it("DateTimePart down to the nanosecond, and DateTimeToTicks", () => {
    const at = `"2016-05-29T08:30:00.1301617"`;
    expect(
      run(`SELECT VALUE { getYear: DateTimePart("yyyy", ${at}), getMonth: DateTimePart("mm", ${at}),
        getDay: DateTimePart("dd", ${at}), getHour: DateTimePart("hh", ${at}), getMinute: DateTimePart("mi", ${at}),
        getSecond: DateTimePart("ss", ${at}), getMillisecond: DateTimePart("ms", ${at}),
        getMicrosecond: DateTimePart("mcs", ${at}), getNanosecond: DateTimePart("ns", ${at}) }`),
    ).toEqual([
      {
        getYear: 2016,
        getMonth: 5,
        getDay: 29,
        getHour: 8,
        getMinute: 30,
        getSecond: 0,
        getMillisecond: 130,
        getMicrosecond: 130161,
        getNanosecond: 130161700,
      },
    ]);
    expect(run(`SELECT VALUE { ticks: DateTimeToTicks("2015-05-19T12:00:00.0000000") }`)).toEqual([
      { ticks: 14320368000000000 },
    ]);
  });

  it("INDEX_OF, LEFT, SUBSTRING, StringEquals", () => {
    expect(
      run(`SELECT VALUE { indexOfFirstLetter: INDEX_OF("AdventureWorks", "A"), indexOfLastLetter: INDEX_OF("AdventureWorks", "s"),
        indexOfPrefix: INDEX_OF("AdventureWorks", "Adventure"), indexOfSuffix: INDEX_OF("AdventureWorks", "Works"),
        indexOfSubstring: INDEX_OF("AdventureWorks", "tureW"), indexOfNonMatch: INDEX_OF("AdventureWorks", "Cosmos"),
        indexOfCustomStartMatch: INDEX_OF("AdventureWorks", "Works", 5),
        indexOfCustomStartNoMatch: INDEX_OF("AdventureWorks", "Adventure", 5),
        indexOfCaseSensitive: INDEX_OF("AdventureWorks", "aD") }`),
    ).toEqual([
      {
        indexOfFirstLetter: 0,
        indexOfLastLetter: 13,
        indexOfPrefix: 0,
        indexOfSuffix: 9,
        indexOfSubstring: 5,
        indexOfNonMatch: -1,
        indexOfCustomStartMatch: 9,
        indexOfCustomStartNoMatch: -1,
        indexOfCaseSensitive: -1,
      },
    ]);
    expect(
      run(`SELECT VALUE { firstZero: LEFT("AdventureWorks", 0), firstOne: LEFT("AdventureWorks", 1),
        firstFive: LEFT("AdventureWorks", 5), fullLength: LEFT("AdventureWorks", LENGTH("AdventureWorks")),
        beyondMaxLength: LEFT("AdventureWorks", 100) }`),
    ).toEqual([
      {
        firstZero: "",
        firstOne: "A",
        firstFive: "Adven",
        fullLength: "AdventureWorks",
        beyondMaxLength: "AdventureWorks",
      },
    ]);
    expect(
      run(`SELECT VALUE { substringPrefix: SUBSTRING("AdventureWorks", 0, 9), substringSuffix: SUBSTRING("AdventureWorks", 9, 5),
        substringTotalLength: SUBSTRING("AdventureWorks", 0, LENGTH("AdventureWorks")),
        substringEmptyString: SUBSTRING("AdventureWorks", 0, -1) }`),
    ).toEqual([
      {
        substringPrefix: "Adventure",
        substringSuffix: "Works",
        substringTotalLength: "AdventureWorks",
        substringEmptyString: "",
      },
    ]);
    expect(
      run(`SELECT VALUE { compareSameCase: STRINGEQUALS("AdventureWorks", "AdventureWorks"),
        compareDifferentCase: STRINGEQUALS("AdventureWorks", "adventureworks"),
        compareIgnoreCase: STRINGEQUALS("AdventureWorks", "adventureworks", true) }`),
    ).toEqual([{ compareSameCase: true, compareDifferentCase: false, compareIgnoreCase: true }]);
  });

  it("RegexMatch with the i and x modifiers", () => {
    expect(
      run(`SELECT VALUE { noModifiers: RegexMatch("abcd", "ABC"), caseInsensitive: RegexMatch("abcd", "ABC", "i"),
        wildcardCharacter: RegexMatch("abcd", "ab.", ""), ignoreWhiteSpace: RegexMatch("abcd", "ab c", "x"),
        caseInsensitiveAndIgnoreWhiteSpace: RegexMatch("abcd", "aB c", "ix"),
        containNumberBetweenZeroAndNine: RegexMatch("03a", "[0-9]"), containPrefix: RegexMatch("salt3824908", "salt{1}"),
        containsFiveLetterWordStartingWithS: RegexMatch("shame", "s....", "i") }`),
    ).toEqual([
      {
        noModifiers: false,
        caseInsensitive: true,
        wildcardCharacter: true,
        ignoreWhiteSpace: true,
        caseInsensitiveAndIgnoreWhiteSpace: true,
        containNumberBetweenZeroAndNine: true,
        containPrefix: true,
        containsFiveLetterWordStartingWithS: true,
      },
    ]);
  });

  it("StringToNumber; text that is no number gives undefined", () => {
    expect(
      run(`SELECT VALUE { parseInteger: StringToNumber("100"), parseDecimal: StringToNumber("3.14"),
        parseWithWhitespace: StringToNumber("   60   "), parseScientific: StringToNumber("-1.79769e+308"),
        parseInvalid: StringToNumber("Hello") }`),
    ).toEqual([{ parseInteger: 100, parseDecimal: 3.14, parseWithWhitespace: 60, parseScientific: -1.79769e308 }]);
  });

  it("ARRAY_SLICE and ARRAY_CONTAINS (whole and partial matches)", () => {
    const array = "[70, 86, 92, 99, 85, 90, 82]";
    expect(
      run(`SELECT VALUE { sliceFromStart: ARRAY_SLICE(${array}, 0), sliceFromSecond: ARRAY_SLICE(${array}, 1),
        sliceFromLast: ARRAY_SLICE(${array}, -1), sliceFromSecondToLast: ARRAY_SLICE(${array}, -2),
        sliceThreeFromStart: ARRAY_SLICE(${array}, 0, 3), sliceTwelveFromStart: ARRAY_SLICE(${array}, 0, 12),
        sliceFiveFromThird: ARRAY_SLICE(${array}, 3, 5), sliceOneFromSecondToLast: ARRAY_SLICE(${array}, -2, 1) }`),
    ).toEqual([
      {
        sliceFromStart: [70, 86, 92, 99, 85, 90, 82],
        sliceFromSecond: [86, 92, 99, 85, 90, 82],
        sliceFromLast: [82],
        sliceFromSecondToLast: [90, 82],
        sliceThreeFromStart: [70, 86, 92],
        sliceTwelveFromStart: [70, 86, 92, 99, 85, 90, 82],
        sliceFiveFromThird: [99, 85, 90, 82],
        sliceOneFromSecondToLast: [90],
      },
    ]);
    const shirts = `[{ category: "shirts", color: "blue" }]`;
    expect(
      run(`SELECT VALUE { containsItem: ARRAY_CONTAINS(["coats", "jackets", "sweatshirts"], "coats"),
        missingItem: ARRAY_CONTAINS(["coats", "jackets", "sweatshirts"], "hoodies"),
        containsFullMatchObject: ARRAY_CONTAINS(${shirts}, { category: "shirts", color: "blue" }),
        missingFullMatchObject: ARRAY_CONTAINS(${shirts}, { category: "shirts" }),
        containsPartialMatchObject: ARRAY_CONTAINS(${shirts}, { category: "shirts" }, true),
        missingPartialMatchObject: ARRAY_CONTAINS(${shirts}, { category: "shorts", color: "blue" }, true) }`),
    ).toEqual([
      {
        containsItem: true,
        missingItem: false,
        containsFullMatchObject: true,
        missingFullMatchObject: false,
        containsPartialMatchObject: true,
        missingPartialMatchObject: false,
      },
    ]);
  });

  it("IntAdd refuses a decimal; ROUND rounds halves away from zero", () => {
    expect(
      run("SELECT VALUE { addNumber: IntAdd(20, 10), addZero: IntAdd(20, 0), addDecimal: IntAdd(20, 0.10) }"),
    ).toEqual([{ addNumber: 30, addZero: 20 }]);
    expect(
      run(`SELECT VALUE { roundTwoPointFour: ROUND(2.4), roundTwoPointSix: ROUND(2.6), roundTwoPointFive: ROUND(2.5),
        roundNegativeTwoPointFour: ROUND(-2.4), roundNegativeTwoPointSix: ROUND(-2.6) }`),
    ).toEqual([
      {
        roundTwoPointFour: 2,
        roundTwoPointSix: 3,
        roundTwoPointFive: 3,
        roundNegativeTwoPointFour: -2,
        roundNegativeTwoPointSix: -3,
      },
    ]);
  });
});

describe("spatial functions", () => {
  it("ST_DISTANCE between points, in metres (geodesic; the page's figures to within a metre)", () => {
    const offices = [
      { name: "Headquarters", location: { type: "Point", coordinates: [-122.12826822304672, 47.63980239335718] } },
      {
        name: "Research and development",
        location: { type: "Point", coordinates: [-96.84368664765994, 46.81297794314663] },
      },
    ].map((office) => ({ ...office, category: "business-offices" }));
    const query = `SELECT o.name, ST_DISTANCE(o.location, { "type": "Point", "coordinates": [-122.11758113953535, 47.66901087006131] })
      / 1000 AS distanceKilometers FROM offices o WHERE o.category = "business-offices"`;
    const [headquarters, research] = run(query, offices) as { name: string; distanceKilometers: number }[];
    expect(headquarters?.name).toBe("Headquarters");
    expect(headquarters?.distanceKilometers).toBeCloseTo(3.345269817267368, 3);
    expect(research?.name).toBe("Research and development");
    expect(research?.distanceKilometers).toBeCloseTo(1907.438421299902, 3);
  });

  it("ST_WITHIN a polygon, and ST_ISVALID on coordinates out of range", () => {
    const campus = `{ "type": "Polygon", "coordinates": [[[-122.13236581015025, 47.64606476313813],
      [-122.13221982500913, 47.633757091363975], [-122.11840598103835, 47.641749416109235],
      [-122.12061400629656, 47.64589264786028], [-122.13236581015025, 47.64606476313813]]] }`;
    expect(
      run(`SELECT VALUE { isHeadquartersWithinCampus: ST_WITHIN({ "type": "Point",
        "coordinates": [-122.12824857332558, 47.6395516675712] }, ${campus}) }`),
    ).toEqual([{ isHeadquartersWithinCampus: true }]);
    expect(
      run(`SELECT VALUE { valid: ST_ISVALID({ "type": "Point", "coordinates": [-84.38876194345323, 33.75682784306348] }),
        invalid: ST_ISVALID({ "type": "Point", "coordinates": [133.75682784306348, -184.38876194345323] }) }`),
    ).toEqual([{ valid: true, invalid: false }]);
    expect(
      run(`SELECT VALUE { valid: ST_ISVALIDDETAILED({ "type": "Point", "coordinates": [-84.38876194345323, 33.75682784306348] }),
        invalid: ST_ISVALIDDETAILED({ "type": "Point", "coordinates": [133.75682784306348, -184.38876194345323] }) }`),
    ).toEqual([
      {
        valid: { valid: true },
        invalid: { valid: false, reason: "Latitude values must be between -90 and 90 degrees." },
      },
    ]);
  });
});
