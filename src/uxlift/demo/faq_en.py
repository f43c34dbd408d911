"""English FAQ for the demo store: intent -> (question phrasings, answer). Own writing."""

from __future__ import annotations

FAQ_EN: dict[str, tuple[tuple[str, ...], str]] = {
    "order_status": (
        (
            "Where is my order?",
            "What is the status of my order?",
            "Has my order shipped yet?",
            "How can I check on my order?",
            "My order still says processing, what does that mean?",
        ),
        "Open Account > Orders to see the live status of every order. 'Processing' means we "
        "are packing it; you get an email with a tracking link as soon as it ships.",
    ),
    "track_package": (
        (
            "How do I track my package?",
            "Where can I find my tracking number?",
            "The tracking link isn't working.",
            "Can you send me the tracking details again?",
        ),
        "Your tracking number is in the shipping confirmation email and under Account > "
        "Orders. Tracking can take up to 24 hours to update after the parcel leaves us.",
    ),
    "delivery_time": (
        (
            "How long does delivery take?",
            "When will my parcel arrive?",
            "What are your delivery times?",
            "Can I get it by the weekend?",
        ),
        "Standard delivery takes 3-5 working days and express 1-2 working days. Orders placed "
        "before 2 pm on a working day leave our warehouse the same day.",
    ),
    "shipping_cost": (
        (
            "How much is shipping?",
            "Do you offer free delivery?",
            "What does express shipping cost?",
            "Why was I charged for delivery?",
        ),
        "Standard shipping is free on orders over 50 and costs 4.95 below that. Express "
        "shipping costs 9.95 on any order.",
    ),
    "international_shipping": (
        (
            "Do you ship abroad?",
            "Can I order from outside the country?",
            "Which countries do you deliver to?",
            "Will I pay customs fees on international orders?",
        ),
        "We ship to more than 30 countries; the list is on the Shipping page. Duties and "
        "import taxes are shown at checkout for most destinations, so nothing extra is due "
        "on arrival.",
    ),
    "change_address": (
        (
            "Can I change my delivery address?",
            "I entered the wrong address, what can I do?",
            "How do I update the shipping address on my order?",
            "Can you send my order somewhere else?",
        ),
        "You can edit the address under Account > Orders until the order ships. After that, "
        "use the carrier's link in your tracking email to redirect the parcel.",
    ),
    "cancel_order": (
        (
            "How do I cancel my order?",
            "I want to cancel an order I just placed.",
            "Is it too late to cancel?",
            "Can I cancel part of my order?",
        ),
        "Orders can be cancelled from Account > Orders within one hour of purchase or until "
        "they start packing. Once shipped, you can return the items for a refund instead.",
    ),
    "modify_order": (
        (
            "Can I add an item to my existing order?",
            "How do I change the size on my order?",
            "I want to change the colour I ordered.",
            "Can I edit my order after paying?",
        ),
        "We cannot add items to a placed order, but you can change size or colour from "
        "Account > Orders while the order status is 'Received'. Otherwise cancel and reorder.",
    ),
    "missing_item": (
        (
            "An item is missing from my parcel.",
            "I only received part of my order.",
            "My package arrived but something is not in it.",
            "Why did only one of my items arrive?",
        ),
        "Large orders sometimes ship in several parcels; check your email for a second "
        "tracking number. If everything has arrived and an item is missing, report it under "
        "Account > Orders > Report a problem and we will send it again.",
    ),
    "damaged_item": (
        (
            "My item arrived damaged.",
            "The product was broken when it arrived.",
            "The box was crushed and the item is scratched.",
            "What do I do if my order came damaged?",
        ),
        "Sorry about that. Send us a photo through Account > Orders > Report a problem within "
        "14 days and choose a replacement or a full refund; you do not need to return it.",
    ),
    "wrong_item": (
        (
            "I received the wrong item.",
            "You sent me a different product.",
            "The colour I got is not the one I ordered.",
            "This isn't what I ordered.",
        ),
        "Report it under Account > Orders > Report a problem. We email a prepaid return label "
        "and ship the right item straight away, without waiting for the return.",
    ),
    "order_not_received": (
        (
            "My order says delivered but I never got it.",
            "Tracking shows delivered, where is my parcel?",
            "I never received my package.",
            "The courier says it was delivered but it's not here.",
        ),
        "Please check with neighbours and any safe place first. If it has not turned up "
        "within 48 hours, report it under Account > Orders and we open a carrier "
        "investigation and resend or refund.",
    ),
    "return_policy": (
        (
            "What is your return policy?",
            "How many days do I have to return something?",
            "Can I return sale items?",
            "Which items can't be returned?",
        ),
        "You can return most items within 30 days of delivery, unused and with their tags. "
        "Opened beauty products and personalised items cannot be returned unless faulty.",
    ),
    "start_return": (
        (
            "How do I return an item?",
            "I want to send something back.",
            "How do I start a return?",
            "Where do I get a return label?",
        ),
        "Go to Account > Orders, choose the item and select 'Return'. You get a label by email; "
        "drop the parcel at any listed drop-off point.",
    ),
    "return_shipping_cost": (
        (
            "Are returns free?",
            "Do I have to pay for return shipping?",
            "How much does it cost to send something back?",
            "Will you deduct the return postage from my refund?",
        ),
        "Returns are free for members and for faulty or wrong items. Otherwise 3.95 is "
        "deducted from the refund to cover the return label.",
    ),
    "refund_timing": (
        (
            "When will I get my refund?",
            "How long do refunds take?",
            "I returned my item but haven't been refunded.",
            "My refund still hasn't arrived.",
        ),
        "We refund within 2 working days of receiving your return. Your bank then takes 5-10 "
        "working days to show the money on your statement.",
    ),
    "refund_method": (
        (
            "Will my refund go back to my card?",
            "Can I get store credit instead of a refund?",
            "How is my refund paid?",
            "I paid with a gift card, how will I be refunded?",
        ),
        "Refunds go back to the original payment method. Gift card payments are refunded as "
        "a new gift card, and you can choose store credit instead for a faster refund.",
    ),
    "exchange_item": (
        (
            "Can I exchange an item for a different size?",
            "How do exchanges work?",
            "I'd like to swap this for another colour.",
            "Can I exchange instead of returning?",
        ),
        "Choose 'Exchange' instead of 'Return' in Account > Orders. We ship the new size or "
        "colour as soon as the carrier scans your return.",
    ),
    "payment_failed": (
        (
            "My payment was declined.",
            "Why did my payment fail?",
            "Checkout keeps saying payment unsuccessful.",
            "I can't pay for my order.",
        ),
        "Check that the billing address matches your card and that 3-D Secure was completed. "
        "If it still fails, try another card or PayPal; declined payments are never charged.",
    ),
    "payment_methods": (
        (
            "What payment methods do you accept?",
            "Can I pay with PayPal?",
            "Do you take Alipay or WeChat Pay?",
            "Can I pay in instalments?",
        ),
        "We accept major credit and debit cards, PayPal, Apple Pay, Alipay and WeChat Pay. "
        "Orders over 100 can be split into three interest-free instalments.",
    ),
    "double_charged": (
        (
            "I was charged twice.",
            "There are two payments for one order.",
            "Why was my card billed twice?",
            "I see a duplicate charge on my statement.",
        ),
        "A second line is usually a temporary authorisation that disappears within 3-5 "
        "working days. If both charges are final, contact us and we refund the duplicate.",
    ),
    "invoice_request": (
        (
            "Can I get an invoice for my order?",
            "I need a VAT receipt.",
            "How do I download my invoice?",
            "Can you put my company name on the invoice?",
        ),
        "Invoices can be downloaded from Account > Orders once the order ships. To add a "
        "company name or tax number, edit the billing details before downloading.",
    ),
    "coupon_not_working": (
        (
            "My discount code doesn't work.",
            "Why won't my coupon apply?",
            "The promo code says invalid.",
            "How do I use a voucher code?",
        ),
        "Enter codes in the 'Discount code' box at checkout. Codes are case sensitive, have an "
        "expiry date and a minimum spend, and cannot be combined with other offers.",
    ),
    "gift_card_balance": (
        (
            "How do I check my gift card balance?",
            "Does my gift card expire?",
            "Can I use two gift cards on one order?",
            "How much is left on my gift card?",
        ),
        "Check the balance on the Gift cards page with the card number and PIN. Gift cards "
        "are valid for 3 years and you can use up to three on one order.",
    ),
    "price_adjustment": (
        (
            "The price dropped after I bought it, can I get the difference?",
            "Do you offer price adjustments?",
            "It went on sale the day after my order.",
            "Can you refund the difference in price?",
        ),
        "If the price of an item drops within 7 days of your purchase, contact us and we "
        "refund the difference as store credit.",
    ),
    "size_guide": (
        (
            "How do I find my size?",
            "Do your clothes run small?",
            "Where is the size chart?",
            "What size should I order?",
        ),
        "Every clothing and shoe page has a Size guide link with measurements. Our fits are "
        "true to size; if you are between sizes, choose the larger one.",
    ),
    "restock": (
        (
            "When will this item be back in stock?",
            "Will you restock this product?",
            "The size I want is sold out.",
            "Can I get notified when it is available?",
        ),
        "Press 'Notify me' on the product page and we email you as soon as it is back. Most "
        "popular items are restocked within 2-4 weeks.",
    ),
    "warranty": (
        (
            "Does this come with a warranty?",
            "How long is the guarantee?",
            "What does the warranty cover?",
            "Is there a warranty on electronics?",
        ),
        "Every product has a 2-year warranty against manufacturing faults; furniture has 5 "
        "years. Wear and tear and accidental damage are not covered.",
    ),
    "product_faulty": (
        (
            "My product stopped working.",
            "The item broke after a few weeks.",
            "My headphones won't charge any more.",
            "How do I make a warranty claim?",
        ),
        "Report the fault under Account > Orders > Report a problem with a short description "
        "or video. Within warranty we repair, replace or refund the item free of charge.",
    ),
    "password_reset": (
        (
            "I forgot my password.",
            "How do I reset my password?",
            "The password reset email never arrived.",
            "Can you change my password for me?",
        ),
        "Use 'Forgot password' on the sign-in page; the reset link is valid for 1 hour. Check "
        "your spam folder if it does not arrive. Staff can never see or set your password.",
    ),
    "login_problem": (
        (
            "I can't log in to my account.",
            "My verification code isn't arriving.",
            "My account is locked.",
            "The app keeps logging me out.",
        ),
        "After five failed attempts accounts lock for 15 minutes. Codes can take a minute to "
        "arrive; request a new one or use your backup codes. Updating the app fixes most "
        "sign-out loops.",
    ),
    "change_email": (
        (
            "How do I change the email on my account?",
            "Can I update my email address?",
            "I no longer use the email I signed up with.",
            "How do I change my account details?",
        ),
        "Go to Account > Profile and edit your email; we send a confirmation link to the new "
        "address. If you cannot reach the old inbox, contact us to verify your identity.",
    ),
    "delete_account": (
        (
            "How do I delete my account?",
            "I want to close my account.",
            "Please remove my account.",
            "Can I deactivate my account?",
        ),
        "Go to Account > Privacy > Delete account. Deletion is final after 14 days; open "
        "orders and returns are completed first.",
    ),
    "delete_my_data": (
        (
            "Delete all my personal data.",
            "I want you to erase everything you know about me.",
            "How do I request data deletion under GDPR?",
            "Can you forget my browsing history?",
        ),
        "Request erasure under Account > Privacy > Erase my data. We remove your profile, "
        "history and reviews from every system within 30 days, keeping only the invoices the "
        "law requires.",
    ),
    "data_export": (
        (
            "Can I download my data?",
            "How do I get a copy of my personal data?",
            "I want to see what data you hold about me.",
            "Can you export my order history?",
        ),
        "Under Account > Privacy > Download my data you can request an archive of your "
        "profile, orders and reviews. We email a download link within 72 hours.",
    ),
    "unsubscribe": (
        (
            "How do I stop your marketing emails?",
            "Unsubscribe me from the newsletter.",
            "I get too many emails from you.",
            "How do I turn off notifications?",
        ),
        "Use the unsubscribe link at the bottom of any email or switch off topics in Account "
        "> Notifications. Order and delivery messages are still sent.",
    ),
    "loyalty_points": (
        (
            "How do loyalty points work?",
            "How many points do I have?",
            "When do my points expire?",
            "How do I redeem my points?",
        ),
        "Members earn 1 point per unit spent and 100 points are worth 5 off. Points show in "
        "Account > Rewards, expire after 12 months and are redeemed at checkout.",
    ),
    "store_pickup": (
        (
            "Can I collect my order in store?",
            "Do you offer click and collect?",
            "How long will you hold my order for pickup?",
            "Which stores offer pickup?",
        ),
        "Choose 'Collect in store' at checkout. We text you when the order is ready, usually "
        "within 2 hours, and hold it for 7 days.",
    ),
    "talk_to_human": (
        (
            "Can I speak to a real person?",
            "I want to talk to an agent.",
            "What is your customer service phone number?",
            "How do I contact support?",
        ),
        "Our team is available by chat 8 am to 10 pm every day. Type 'agent' here and we "
        "connect you to the next person available.",
    ),
    "pre_order": (
        (
            "How do pre-orders work?",
            "When will my pre-order ship?",
            "Am I charged now for a pre-order?",
            "Can I cancel a pre-order?",
        ),
        "Pre-orders ship on the date shown on the product page. We charge your card when the "
        "item ships, and you can cancel at any time before that.",
    ),
    "gift_wrapping": (
        (
            "Do you offer gift wrapping?",
            "Can I add a gift message?",
            "Can I hide the prices for a gift?",
            "Can I send an order as a present?",
        ),
        "Tick 'This is a gift' at checkout to add wrapping for 2.95 and a free message. Gift "
        "orders ship with a gift receipt and no prices.",
    ),
    "bulk_order": (
        (
            "Do you offer discounts for bulk orders?",
            "I want to order for my company.",
            "Can I buy 50 of the same item?",
            "Do you have business accounts?",
        ),
        "Orders of 20 or more units qualify for business pricing. Send the items and "
        "quantities through the Business form and we reply with a quote within 1 working day.",
    ),
    "assembly_help": (
        (
            "How do I assemble my desk?",
            "I lost the assembly instructions.",
            "Do you offer furniture assembly?",
            "A screw is missing from the kit.",
        ),
        "Assembly guides for every furniture item are on the product page under 'Manuals'. "
        "Missing parts are sent free within 3 days, and paid assembly can be booked at checkout.",
    ),
}
